import { expect, test, type Locator, type Page } from "@playwright/test";
import sharp from "sharp";
import { chatFrame, hostSite, openWidget, sendFromWidget, signUpAgent } from "./support.ts";

/** The whole page from its top (sticky parts then sit where they do at the top), and what the first screen shows. */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `test-results/shots/${name}.png`, fullPage: true });
  await page.screenshot({ path: `test-results/shots/${name}-screen.png` });
}
const preview = (page: Page): Locator => page.getByTestId("widget-preview");

async function openSettings(page: Page) {
  await page.goto("/admin/settings");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
}

test("the settings page previews unsaved edits, saves them, and keeps them across a reload", async ({ browser }) => {
  const { page } = await signUpAgent(browser);
  await openSettings(page);
  const box = preview(page);
  const header = box.getByTestId("preview-header");
  const launcher = box.getByTestId("preview-launcher");

  // Every edit shows in the preview before anything is saved.
  await page.getByLabel("Display name").fill("Grace at Acme");
  await expect(header).toContainText("Grace at Acme");
  await page.getByLabel("Hex colour").fill("#0f766e");
  await expect(header).toHaveCSS("background-color", "rgb(15, 118, 110)");
  await expect(launcher).toHaveCSS("background-color", "rgb(15, 118, 110)");
  await page.getByLabel("Greeting").fill("Welcome to Acme! Ask us anything.");
  await expect(box.getByText("Welcome to Acme! Ask us anything.")).toBeVisible();
  const rightX = (await launcher.boundingBox())!.x;
  await page.getByLabel("Bottom left").check();
  await expect.poll(async () => (await launcher.boundingBox())!.x).toBeLessThan(rightX);
  await page.getByLabel("Offline message").fill("We are back at 9am.");
  await expect(box.getByText("We are back at 9am.")).toHaveCount(0); // shown only while nobody is online
  await page.getByLabel("Preview offline").check();
  await expect(header).toContainText("We are back at 9am.");
  await page.getByLabel("Ask for name and email before the chat starts").check();
  await expect(box.getByText("Start chat")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Unsaved changes" })).toBeVisible();

  // A bad origin is refused inline, by line, and nothing is saved until it is fixed.
  await page.getByLabel("Allowed origins").fill("https://shop.example\nshop.example/path");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/^Line 2: .*is not an origin/)).toBeVisible();
  await page.getByLabel("Allowed origins").fill("https://shop.example\nhttps://WWW.Shop.Example:443/");
  await shot(page, "settings-desktop");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Saved$/ })).toBeVisible();
  await expect(page.getByLabel("Allowed origins")).toHaveValue("https://shop.example\nhttps://www.shop.example"); // as stored: normalised

  await page.reload();
  await expect(page.getByLabel("Display name")).toHaveValue("Grace at Acme");
  await expect(page.getByLabel("Hex colour")).toHaveValue("#0f766e");
  await expect(page.getByLabel("Greeting")).toHaveValue("Welcome to Acme! Ask us anything.");
  await expect(page.getByLabel("Bottom left")).toBeChecked();
  await expect(page.getByLabel("Offline message")).toHaveValue("We are back at 9am.");
  await expect(page.getByLabel("Ask for name and email before the chat starts")).toBeChecked();
  await expect(preview(page).getByTestId("preview-header")).toHaveCSS("background-color", "rgb(15, 118, 110)");

  // The photo applies at once, round, in the preview; removing it brings the initial back.
  const photo = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 230, g: 120, b: 40 } } }).png().toBuffer();
  await page.getByTestId("avatar-file").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: photo });
  const avatar = preview(page).getByTestId("preview-header").locator("img");
  await expect(avatar).toHaveAttribute("src", /^\/api\/agents\/[0-9a-f]{32}\/avatar\?v=avatar-/);
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
  await expect(avatar).toHaveCSS("border-radius", /px|%/);
  await page.reload();
  await expect(preview(page).getByTestId("preview-header").locator("img")).toHaveAttribute("src", /avatar\?v=avatar-/);
  await shot(page, "settings-desktop-saved");

  await page.setViewportSize({ width: 390, height: 760 });
  await page.reload();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0); // nothing sideways on a phone
  await shot(page, "settings-phone");

  await page.getByRole("button", { name: "Remove photo" }).click();
  await expect(preview(page).getByTestId("preview-header").locator("img")).toHaveCount(0);
  await expect(preview(page).getByTestId("preview-header")).toContainText("G");
});

test("a saved reply made in settings is offered by / in a conversation, inserted with Enter, and sent", async ({ browser }) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  await openSettings(agentPage);
  const body = "Thanks for waiting! Your order ships within 24 hours.";
  await agentPage.getByLabel("Shortcut").fill("ship");
  await agentPage.getByLabel("Reply", { exact: true }).fill(body);
  await agentPage.getByRole("button", { name: "Add reply" }).click();
  const list = agentPage.getByRole("list", { name: "Saved replies" });
  await expect(list).toContainText("/ship");
  // Edit and delete work on the same list.
  await agentPage.getByLabel("Shortcut").fill("tmp");
  await agentPage.getByLabel("Reply", { exact: true }).fill("temporary");
  await agentPage.getByRole("button", { name: "Add reply" }).click();
  await agentPage.getByRole("button", { name: "Edit /tmp" }).click();
  await agentPage.getByLabel("Reply", { exact: true }).fill("temporary, edited");
  await agentPage.getByRole("button", { name: "Save reply" }).click();
  await expect(list).toContainText("temporary, edited");
  await agentPage.getByLabel("Shortcut").fill("ship");
  await agentPage.getByLabel("Reply", { exact: true }).fill("duplicate");
  await agentPage.getByRole("button", { name: "Add reply" }).click();
  await expect(agentPage.getByRole("alert").filter({ hasText: "You already have a reply with /ship." })).toBeVisible();
  await agentPage.getByRole("button", { name: "Cancel" }).click();
  await agentPage.getByRole("button", { name: "Delete /tmp" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(1);

  await agentPage.getByRole("link", { name: "Back to inbox" }).click();
  await expect(agentPage.getByRole("navigation", { name: "Conversations" })).toBeVisible();
  const site = await hostSite(snippet);
  const visitorPage = await (await browser.newContext()).newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  await sendFromWidget(visitorPage, "Is my order on its way?");
  await agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Is my order on its way?" }).click();

  const composer = agentPage.getByRole("textbox", { name: "Message" });
  await composer.pressSequentially("/sh");
  const options = agentPage.getByRole("listbox", { name: "Saved replies" });
  await expect(options.getByRole("option")).toHaveCount(1);
  await expect(options.getByRole("option", { selected: true })).toContainText("/ship");
  await expect(composer).toHaveAttribute("aria-activedescendant", (await options.getByRole("option").first().getAttribute("id"))!);
  await shot(agentPage, "canned-suggestions");
  // Escape closes the list and leaves the text; typing on does not reopen it for the same "/".
  await composer.press("Escape");
  await expect(options).toHaveCount(0);
  await composer.press("Backspace");
  await composer.press("Backspace");
  await composer.press("Backspace");
  await composer.pressSequentially("Hi! /ship");
  await expect(options.getByRole("option", { selected: true })).toContainText("/ship");
  await composer.press("Enter");
  await expect(composer).toHaveValue(`Hi! ${body}`);
  await expect(options).toHaveCount(0);
  await composer.press("Enter");
  await expect(chatFrame(visitorPage).getByRole("log").getByText(`Hi! ${body}`)).toBeVisible();
  await site.close();
});

test("the sign-in, sign-up and settings pages speak Chinese to a Chinese browser", async ({ browser }) => {
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto("/admin/sign-in");
  await expect(page.getByRole("heading", { name: "登录你的收件箱" })).toBeVisible();
  await expect(page).toHaveTitle("登录 · Parley");
  await page.getByLabel("邮箱或手机号").fill("nobody@example.com");
  await page.getByLabel("密码").fill("not the password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /./ })).toHaveText("邮箱、手机号或密码不正确。");
  await shot(page, "sign-in-zh");

  await page.getByRole("link", { name: "创建账号" }).click();
  await expect(page.getByRole("heading", { name: "创建客服账号" })).toBeVisible();
  await page.getByLabel("你的名字").fill("王小明");
  await page.getByLabel("邮箱或手机号").fill(`wang.${Date.now()}@example.com`);
  await page.getByLabel("密码").fill("correct horse battery");
  await page.getByRole("button", { name: "创建账号" }).click();
  await expect(page.getByRole("navigation", { name: "会话列表" })).toBeVisible();
  await page.goto("/admin/settings");
  await expect(page.getByRole("heading", { name: "设置", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "保存更改" })).toBeVisible();
  await expect(page.getByRole("button", { name: "复制代码" })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 760 });
  await shot(page, "settings-phone-zh");
  await context.close();
});

test("the settings page sends a signed-out visitor to sign in", async ({ page }) => {
  await page.goto("/admin/settings");
  await expect(page).toHaveURL(/\/admin\/sign-in/);
});

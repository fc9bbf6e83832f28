import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { io } from "socket.io-client";
import { E2E_PORT } from "../../playwright.config.ts";
import type { AckResult, WidgetSettings } from "../../src/server/socket/contract.ts";
import { chatFrame, hostSite, signUpAgent } from "./support.ts";

const SHOTS = "test-results/shots";

/** Changes the agent's widget as the Settings page does: agent:update-settings on a socket with the agent's cookie. */
async function setWidget(agentContext: BrowserContext, widget: Partial<WidgetSettings>): Promise<void> {
  const cookie = (await agentContext.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const socket = io(`http://localhost:${E2E_PORT}`, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  try {
    const result: AckResult<unknown> = await socket.timeout(5000).emitWithAck("agent:update-settings", { widget });
    if (!result.ok) throw new Error(`agent:update-settings: ${result.error.code} ${result.error.message}`);
  } finally {
    socket.close();
  }
}

/** An agent, its snippet, and the widget set up as given. The console stays open (online) unless `offline`. */
async function agentWith(browser: Browser, widget: Partial<WidgetSettings>, { offline = false } = {}) {
  const { page, snippet } = await signUpAgent(browser);
  await setWidget(page.context(), widget);
  if (offline) await page.close(); // no console open anywhere: the agent is offline
  return { page, context: page.context(), snippet };
}

const launcher = (page: Page) => page.getByRole("button", { name: /^(Open chat|Close chat|打开聊天|关闭聊天)/ });
/** The widget's frames on the host page, inside its shadow root (a locator pierces it). */
const frames = (page: Page) => page.locator("#parley-widget iframe");
const composer = (page: Page) => chatFrame(page).locator("textarea");

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await expect(chatFrame(page).getByRole("log").getByText(text)).toBeVisible();
}

const inboxRow = (agentPage: Page, text: string) => agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: text });

test("the launcher takes the widget's colour and side, and the window greets in that colour", async ({ browser }) => {
  const { snippet } = await agentWith(browser, { color: "#fde047", position: "left", greeting: "Welcome to Acme! Ask us anything about sizes." });
  const site = await hostSite(snippet);
  const page = await (await browser.newContext()).newPage();
  await page.goto(site.url);

  const button = launcher(page);
  // A light colour gets black text and icon, for contrast.
  await expect(button).toHaveCSS("background-color", "rgb(253, 224, 71)");
  await expect(button).toHaveCSS("color", "rgb(0, 0, 0)");
  const box = (await button.boundingBox())!;
  expect(box.x).toBeLessThan(100); // on the left
  await expect(page.locator("#buy")).toHaveCSS("background-color", "rgb(0, 255, 0)"); // the host page keeps its styles
  await expect(frames(page)).toHaveCount(0); // a visitor who never chatted gets no iframe
  await page.screenshot({ path: `${SHOTS}/widget-closed.png` });

  await button.click();
  const frame = chatFrame(page);
  await expect(frame.getByText("Welcome to Acme! Ask us anything about sizes.")).toBeVisible();
  await expect(frame.locator("header")).toHaveCSS("background-color", "rgb(253, 224, 71)");
  await expect(frame.getByRole("heading", { level: 1 })).toHaveCSS("color", "rgb(0, 0, 0)");
  await expect(frame.getByText("Online", { exact: true })).toBeVisible();
  const panel = (await frames(page).boundingBox())!;
  expect(panel.x).toBeLessThan(100);
  await page.screenshot({ path: `${SHOTS}/widget-open.png` });

  // The visitor's own bubble is in the widget colour too, and the greeting gives way to the conversation.
  await send(page, "Do you have size 44?");
  await expect(frame.getByRole("log").getByText("Do you have size 44?")).toHaveCSS("background-color", "rgb(253, 224, 71)");
  await expect(frame.getByText("Welcome to Acme!")).toHaveCount(0);
  await page.keyboard.press("Escape"); // from inside the frame: the loader closes the panel
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await site.close();
});

test("with no agent online the window says so, takes an email, and the message still reaches the agent", async ({ browser }) => {
  const { context: agentContext, snippet } = await agentWith(browser, { offlineMessage: "We're out until 9am (Paris time)." }, { offline: true });
  const site = await hostSite(snippet);
  const page = await (await browser.newContext()).newPage();
  await page.goto(site.url);
  await launcher(page).click();
  const frame = chatFrame(page);
  await expect(frame.locator("header")).toContainText("We're out until 9am (Paris time).");
  const email = frame.getByLabel("Leave your email and we'll reply there");
  await email.fill("not an email");
  await frame.getByRole("button", { name: "Save" }).click();
  await expect(frame.getByText("Enter a valid email address")).toBeVisible();
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: `${SHOTS}/widget-offline.png` });
  await email.fill("sam@example.com");
  await frame.getByRole("button", { name: "Save" }).click();
  await expect(frame.getByText("We'll reply to sam@example.com")).toBeVisible();
  await send(page, "Can I return worn shoes?");
  await expect(frame.getByRole("log").getByText("Delivered")).toBeVisible();

  // The agent comes back: the message is there, from the visitor who left an email.
  const agentPage = await agentContext.newPage();
  await agentPage.goto("/admin");
  const row = inboxRow(agentPage, "Can I return worn shoes?");
  await expect(row).toBeVisible();
  await expect(row).toContainText("sam@example.com");
  // The visitor sees the agent come online.
  await expect(frame.getByText("Online", { exact: true })).toBeVisible();
  await expect(frame.getByLabel("Leave your email and we'll reply there")).toHaveCount(0);
  await site.close();
});

test("the pre-chat form asks for a name and an email before the first message", async ({ browser }) => {
  const { page: agentPage, snippet } = await agentWith(browser, { preChatForm: true });
  const site = await hostSite(snippet);
  const page = await (await browser.newContext()).newPage();
  await page.goto(site.url);
  await launcher(page).click();
  const frame = chatFrame(page);
  await expect(frame.getByRole("heading", { name: "Before we start" })).toBeVisible();
  await expect(composer(page)).toHaveCount(0);
  await frame.getByRole("button", { name: "Start the chat" }).click();
  await expect(frame.getByText("Enter your name")).toBeVisible();
  await expect(frame.getByLabel("Your name")).toBeFocused();
  await frame.getByLabel("Your name").fill("Mei Chen");
  await frame.getByLabel("Your email").fill("mei@");
  await frame.getByRole("button", { name: "Start the chat" }).click();
  await expect(frame.getByLabel("Your email")).toBeFocused();
  await expect(frame.getByLabel("Your email")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: `${SHOTS}/widget-prechat.png` });
  await frame.getByLabel("Your email").fill("mei@example.com");
  await frame.getByRole("button", { name: "Start the chat" }).click();
  await expect(composer(page)).toBeFocused();
  await send(page, "Hello from Mei");
  await expect(inboxRow(agentPage, "Hello from Mei")).toContainText("Mei Chen");

  // A reload does not ask again.
  await page.reload();
  await launcher(page).click();
  await expect(frame.getByRole("log").getByText("Hello from Mei")).toBeVisible();
  await expect(frame.getByRole("heading", { name: "Before we start" })).toHaveCount(0);
  await site.close();
});

test("the JavaScript API opens, closes and toggles the chat and tells the agent who the visitor is, even when called before the loader", async ({ browser }) => {
  const { page: agentPage, snippet } = await agentWith(browser, { preChatForm: true });
  // The documented snippet: a stub that queues calls, the loader, then the site's calls made before it ran.
  const stub =
    '<script>window.Parley=window.Parley||{q:[]};["open","close","toggle","setName","setEmail","setAttributes"].forEach(function(m){Parley[m]=Parley[m]||function(){Parley.q.push([m,[].slice.call(arguments)])}});</script>' +
    '<script>Parley.setName("Jordan Lee");Parley.setEmail("jordan@example.com");Parley.setAttributes({plan:"pro",seats:12});</script>';
  const site = await hostSite(stub + snippet);
  const page = await (await browser.newContext()).newPage();
  await page.goto(site.url);
  await expect(launcher(page)).toBeVisible();
  await expect(frames(page)).toHaveCount(0);

  await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
  await expect(launcher(page)).toHaveAttribute("aria-expanded", "true");
  // The site gave the name and email, so the pre-chat form has nothing to ask.
  await expect(composer(page)).toBeVisible();
  await page.evaluate(() => (window as unknown as { Parley: { close(): void } }).Parley.close());
  await expect(launcher(page)).toHaveAttribute("aria-expanded", "false");
  await expect(frames(page)).toBeHidden();
  await page.evaluate(() => (window as unknown as { Parley: { toggle(): void } }).Parley.toggle());
  await expect(launcher(page)).toHaveAttribute("aria-expanded", "true");
  await send(page, "Upgrading my plan");
  await expect(inboxRow(agentPage, "Upgrading my plan")).toContainText("Jordan Lee");

  // A call once the window is connected goes straight through.
  await page.evaluate(() => (window as unknown as { Parley: { setName(n: string): void } }).Parley.setName("Jordan L. Lee"));
  await expect(async () => {
    await agentPage.reload();
    await expect(inboxRow(agentPage, "Upgrading my plan")).toContainText("Jordan L. Lee", { timeout: 2000 });
  }).toPass({ timeout: 15_000 });
  await site.close();
});

test("the window is made at load only for a visitor with a conversation going, so replies reach them as unread", async ({ browser }) => {
  const { page: agentPage, snippet } = await agentWith(browser, {});
  const site = await hostSite(snippet);
  const page = await (await browser.newContext()).newPage();
  await page.goto(site.url);
  await expect(launcher(page)).toBeVisible();
  await page.reload(); // still never chatted: still no frame
  await expect(launcher(page)).toBeVisible();
  await expect(frames(page)).toHaveCount(0);

  await launcher(page).click();
  await send(page, "Is the shop open on Sunday?");
  await page.reload();
  await expect(frames(page)).toHaveCount(1); // made at load, without a click
  await expect(launcher(page)).toHaveAttribute("aria-expanded", "false");

  const row = inboxRow(agentPage, "Is the shop open on Sunday?");
  await row.click();
  await agentPage.getByRole("textbox", { name: "Message" }).fill("Yes, 10 to 4.");
  await agentPage.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Open chat, 1 unread" })).toBeVisible();
  await launcher(page).click();
  await expect(chatFrame(page).getByRole("log").getByText("Yes, 10 to 4.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Close chat" })).toBeVisible();
  await site.close();
});

test("the widget speaks Chinese to a Chinese browser", async ({ browser }) => {
  const { snippet } = await agentWith(browser, { offlineMessage: "" }, { offline: true });
  const site = await hostSite(snippet);
  const page = await (await browser.newContext({ locale: "zh-CN" })).newPage();
  await page.goto(site.url);
  await page.getByRole("button", { name: "打开聊天" }).click();
  const frame = chatFrame(page);
  await expect(frame.locator("header")).toContainText("我们暂时不在");
  await expect(frame.getByText("您好！有什么可以帮您？")).toBeVisible();
  await expect(frame.getByLabel("留下邮箱，我们会通过邮件回复您")).toBeVisible();
  await expect(composer(page)).toHaveAttribute("placeholder", "输入消息…");
  await expect(page.getByRole("button", { name: "关闭聊天" })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/widget-zh.png` });
  await site.close();
});

test("on a phone the open window fills the screen", async ({ browser }) => {
  const { snippet } = await agentWith(browser, { color: "#0f766e", greeting: "Hi! Questions about your order?" });
  const site = await hostSite(snippet);
  const page = await (await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true })).newPage();
  await page.goto(site.url);
  await page.screenshot({ path: `${SHOTS}/widget-phone-closed.png` });
  await launcher(page).click();
  await expect(chatFrame(page).getByText("Hi! Questions about your order?")).toBeVisible();
  const panel = (await frames(page).boundingBox())!;
  expect(panel).toMatchObject({ x: 0, y: 0, width: 390, height: 760 });
  await page.screenshot({ path: `${SHOTS}/widget-phone-open.png` });
  await page.getByRole("button", { name: "Close chat" }).click();
  await expect(frames(page)).toBeHidden();
  await site.close();
});

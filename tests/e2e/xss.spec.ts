import { expect, test, type Frame, type Page } from "@playwright/test";
import { chatFrame, hostSite, newAgent, openWidget, sendFromWidget, signUpAgent } from "./support.ts";

// Each would set window.__xss if any part of it ran: as HTML, as a script, or as a followed link.
const PAYLOADS = [
  `<img src=x onerror="window.__xss=1">`,
  `<script>window.__xss=1</script>`,
  `javascript:window.__xss=1`,
  `<a href="javascript:window.__xss=1">click me</a>`,
  `<svg onload="window.__xss=1"></svg>`,
  `"><img src=x onerror=window.__xss=1>`,
  `[click me](javascript:window.__xss=1)`,
];
const AGENT_NAME = `<img src=x onerror="window.__xss=1"> Ada`;

/** Nothing ran, and nothing a payload describes became an element: no image, no script link, no event handler. */
async function expectInert(target: Page | Frame): Promise<void> {
  expect(await target.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  await expect(target.locator('img[src="x"]')).toHaveCount(0);
  await expect(target.locator('a[href^="javascript:" i]')).toHaveCount(0);
  await expect(target.locator("[onerror], [onload], [onclick]")).toHaveCount(0);
  await expect(target.locator("svg[onload]")).toHaveCount(0);
}

/** The visitor window's own frame (not a FrameLocator), to run script in it. */
const widgetFrame = (page: Page): Frame => {
  const frame = page.frames().find((candidate) => new URL(candidate.url()).pathname === "/im");
  if (!frame) throw new Error("the widget's frame is not open");
  return frame;
};

test("XSS in messages, the agent's name and the host page's URL shows as inert text in the console and the widget", async ({ browser }) => {
  const { page: agentPage, snippet } = await signUpAgent(browser, { ...newAgent(), name: AGENT_NAME });
  await expect(agentPage.getByRole("banner").getByText(AGENT_NAME, { exact: true })).toBeVisible();
  const site = await hostSite(snippet);

  // The host page's URL carries a payload in its query and fragment, and it was reached from a page whose URL carries one
  // (document.referrer): the widget passes both on as the visitor's page and referrer.
  const visitorPage = await (await browser.newContext()).newPage();
  const hostUrl = `${site.url}?q=${PAYLOADS[0]}&next=javascript:window.__xss=1#${PAYLOADS[1]}`;
  await visitorPage.goto(hostUrl, { referer: `${site.url}from?q=${PAYLOADS[0]}` });
  await openWidget(visitorPage);
  await expect(chatFrame(visitorPage).getByText(AGENT_NAME, { exact: true }).first()).toBeVisible();

  for (const payload of PAYLOADS) await sendFromWidget(visitorPage, payload);
  for (const payload of PAYLOADS) await expect(chatFrame(visitorPage).getByRole("log").getByText(payload, { exact: true })).toBeVisible();

  const row = agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: PAYLOADS.at(-1)! });
  await row.click();
  const log = agentPage.getByRole("log");
  for (const payload of PAYLOADS) await expect(log.getByText(payload, { exact: true })).toBeVisible();

  // The agent answers with the same payloads: the widget must show them as text too.
  for (const payload of PAYLOADS) {
    await agentPage.getByRole("textbox", { name: "Message" }).fill(`re: ${payload}`);
    await agentPage.keyboard.press("Enter");
  }
  for (const payload of PAYLOADS) await expect(chatFrame(visitorPage).getByRole("log").getByText(`re: ${payload}`, { exact: true })).toBeVisible();

  // After a reload everything comes back from the server (inbox, sync), through the other rendering path.
  await Promise.all([agentPage.reload(), visitorPage.reload()]);
  await openWidget(visitorPage);
  await agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: `re: ${PAYLOADS.at(-1)!}` }).click();
  for (const payload of PAYLOADS) {
    await expect(agentPage.getByRole("log").getByText(payload, { exact: true })).toBeVisible();
    await expect(chatFrame(visitorPage).getByRole("log").getByText(`re: ${payload}`, { exact: true })).toBeVisible();
  }

  await expectInert(agentPage);
  await expectInert(visitorPage);
  await expectInert(widgetFrame(visitorPage));
  await site.close();
});

test("a visitor window opened with XSS in its page and referrer parameters stays inert, and so does the console it writes to", async ({ browser }) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  const agentId = /data-agent="([0-9a-f]{32})"/.exec(snippet)![1]!;
  // Unlike a browser's location.href, these reach the server as written: `<`, `>` and quotes unencoded.
  const page = `https://shop.example/?q=${PAYLOADS[0]}&r="><script>window.__xss=1</script>`;
  const referrer = `https://search.example/?q=${PAYLOADS[4]}`;
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/im.html?agent=${agentId}&page=${encodeURIComponent(page)}&referrer=${encodeURIComponent(referrer)}`);
  await visitor.getByRole("textbox", { name: "Message" }).fill("hello from a hostile page");
  await visitor.getByRole("button", { name: "Send" }).click();
  await expect(visitor.getByRole("log").getByText("hello from a hostile page", { exact: true })).toBeVisible();

  await agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "hello from a hostile page" }).click();
  await expect(agentPage.getByRole("log").getByText("hello from a hostile page", { exact: true })).toBeVisible();
  await expectInert(agentPage);
  await expectInert(visitor);
});

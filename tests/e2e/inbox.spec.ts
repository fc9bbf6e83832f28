import { expect, test, type Page } from "@playwright/test";
import { agentIdOf, chimeCount, inboxRows, recordAlerts, recordedNotifications, seedVisitor, setTabHidden, type SeededVisitor } from "./support-inbox.ts";
import { signUpAgent } from "./support.ts";

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/shots/${name}.png` });
const conversation = (page: Page) => page.getByRole("region", { name: "Conversation" });
const searchBox = (page: Page) => page.getByRole("searchbox", { name: "Search conversations" });
const tab = (page: Page, name: string) => page.getByRole("tab", { name });
const rowOf = (page: Page, visitor: SeededVisitor) => inboxRows(page).filter({ hasText: visitor.label });

let visitors: SeededVisitor[] = [];
test.afterEach(() => {
  for (const visitor of visitors) visitor.leave();
  visitors = [];
});

/** A fresh agent's console and visitors who each wrote their messages, in order (the last is the newest). */
async function consoleWith(browser: Parameters<typeof signUpAgent>[0], messages: string[][]) {
  const { page, snippet } = await signUpAgent(browser);
  const agentId = agentIdOf(snippet);
  for (const bodies of messages) visitors.push(await seedVisitor(agentId, bodies));
  for (const bodies of messages) if (bodies.length) await expect(inboxRows(page).filter({ hasText: bodies.at(-1)! })).toBeVisible();
  return { page, agentId, visitors: [...visitors] };
}

test("the page title counts unread visitor messages", async ({ browser }) => {
  const { page, visitors: [first, second] } = await consoleWith(browser, [["Hi", "Anyone there?"], ["Hello"]]);
  await expect(page).toHaveTitle("(3) Inbox · Parley");
  // By keyboard: the arrow keys walk the rows, Enter opens one.
  await rowOf(page, second!).focus();
  await page.keyboard.press("ArrowDown");
  await expect(rowOf(page, first!)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(conversation(page).getByRole("heading", { name: first!.label })).toBeVisible();
  await expect(page).toHaveTitle("(1) Inbox · Parley");
  await second!.say("Still waiting");
  await expect(page).toHaveTitle("(2) Inbox · Parley");
  await rowOf(page, second!).click();
  await expect(page).toHaveTitle("Inbox · Parley");
});

test("a visitor message while the tab is hidden shows one notification and chimes; switched off, it does not notify", async ({ browser }) => {
  const { page, snippet } = await signUpAgent(browser);
  await page.context().grantPermissions(["notifications"]);
  await recordAlerts(page);
  await page.reload();
  const bell = page.getByRole("button", { name: /^Notifications and sound/ });
  await bell.click();
  const notifySwitch = page.getByRole("switch", { name: "Show a notification" });
  await expect(notifySwitch).toHaveAttribute("aria-checked", "true"); // the site may already notify: on by default
  await expect(page.getByRole("switch", { name: "Play a sound" })).toHaveAttribute("aria-checked", "true");
  await shot(page, "inbox-bell-menu");
  await page.keyboard.press("Escape");
  await expect(notifySwitch).toBeHidden();

  const visitor = await seedVisitor(agentIdOf(snippet), ["Hello, while you are looking"]);
  visitors.push(visitor);
  await expect(rowOf(page, visitor)).toContainText("Hello, while you are looking");

  await setTabHidden(page, true);
  await visitor.say("Are you there?");
  await expect.poll(() => recordedNotifications(page)).toEqual([{ title: visitor.label, body: "Are you there?", tag: visitor.conversationId }]);
  await expect.poll(() => chimeCount(page)).toBe(1);

  // Clicking the notification brings the console forward on that conversation.
  await page.evaluate(() => (window as unknown as { __lastNotification: Notification }).__lastNotification.onclick?.(new Event("click")));
  await expect(conversation(page).getByRole("heading", { name: visitor.label })).toBeVisible();

  await setTabHidden(page, false);
  await bell.click();
  await notifySwitch.click();
  await expect(notifySwitch).toHaveAttribute("aria-checked", "false");
  await page.keyboard.press("Escape");
  await setTabHidden(page, true);
  await visitor.say("Hello??");
  await expect.poll(() => chimeCount(page)).toBe(2); // the chime comes from the same check that would have notified
  expect(await recordedNotifications(page)).toHaveLength(1);

  await page.reload(); // the choice is kept in this browser
  await page.getByRole("button", { name: /^Notifications and sound/ }).click();
  await expect(page.getByRole("switch", { name: "Show a notification" })).toHaveAttribute("aria-checked", "false");
});

test("turning notifications on when the browser blocks them says so and stays off", async ({ browser }) => {
  const { page } = await signUpAgent(browser);
  await recordAlerts(page, "denied");
  await page.reload();
  await expect(page.getByRole("status").filter({ hasText: "No conversations yet." })).toBeVisible();
  await page.getByRole("button", { name: /^Notifications and sound/ }).click();
  const notifySwitch = page.getByRole("switch", { name: "Show a notification" });
  await notifySwitch.click();
  await expect(page.getByRole("alert").filter({ hasText: "blocks notifications" })).toBeVisible();
  await expect(notifySwitch).toHaveAttribute("aria-checked", "false");
  await shot(page, "inbox-bell-blocked");
});

test("search finds a visitor by name and a conversation by message text, showing the matching message", async ({ browser }) => {
  const { page, visitors: [refund, hello, ship] } = await consoleWith(browser, [["I need a refund for order 1234", "thanks in advance"], ["Hello there"], ["Do you ship to Canada?"]]);
  await expect(inboxRows(page)).toHaveCount(3);

  await searchBox(page).fill(hello!.label);
  await expect(inboxRows(page)).toHaveCount(1);
  await expect(inboxRows(page)).toContainText(hello!.label);

  await searchBox(page).fill("REFUND");
  await expect(inboxRows(page)).toHaveCount(1);
  await expect(inboxRows(page)).toContainText(refund!.label);
  await expect(inboxRows(page).getByTestId("match")).toContainText("I need a refund for order 1234");
  await expect(inboxRows(page).locator("mark")).toHaveText("refund");
  await shot(page, "inbox-search");

  // A new message that matches joins the results live.
  await ship!.say("and a refund too, please");
  await expect(inboxRows(page)).toHaveCount(2);
  await expect(inboxRows(page).first()).toContainText(ship!.label);

  await searchBox(page).fill("zebra crossing");
  await expect(page.getByRole("status").filter({ hasText: "No conversations match “zebra crossing”." })).toBeVisible();
  await page.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: "Clear search" }).first().click();
  await expect(searchBox(page)).toHaveValue("");
  await expect(inboxRows(page)).toHaveCount(3);
});

test("the filter tabs show open, resolved, unread and online conversations, and rows move between them live", async ({ browser }) => {
  const { page, visitors: [resolved, read, waiting, gone] } = await consoleWith(browser, [["Please close this"], ["Read me"], ["Still waiting"], ["Bye for now"]]);
  await rowOf(page, read!).click();
  await expect(page).toHaveTitle("(3) Inbox · Parley");
  await rowOf(page, resolved!).click();
  await conversation(page).getByRole("button", { name: "Resolve" }).click();
  await expect(rowOf(page, resolved!).getByText("Resolved")).toBeVisible();
  gone!.leave();
  await expect(rowOf(page, gone!).getByRole("img", { name: "offline" })).toBeVisible();

  const shows = async (filter: string, expected: SeededVisitor[]) => {
    await tab(page, filter).click();
    await expect(tab(page, filter)).toHaveAttribute("aria-selected", "true");
    await expect(inboxRows(page)).toHaveCount(expected.length);
    for (const visitor of expected) await expect(rowOf(page, visitor)).toBeVisible();
  };
  await shows("All", [resolved!, read!, waiting!, gone!]);
  await shows("Open", [read!, waiting!, gone!]);
  await shows("Resolved", [resolved!]);
  await shows("Unread", [waiting!, gone!]);
  await shows("Online", [resolved!, read!, waiting!]);
  await shot(page, "inbox-filter-online");

  // Live: a new message from the resolved visitor reopens it, so it leaves Resolved; read, it leaves Unread.
  await shows("Resolved", [resolved!]);
  await resolved!.say("One more thing");
  await expect(page.getByRole("status").filter({ hasText: "No resolved conversations yet." })).toBeVisible();
  await shows("Unread", [waiting!, gone!]); // the conversation on screen is read as its message arrives
  await rowOf(page, waiting!).click();
  await expect(rowOf(page, waiting!)).toBeVisible(); // the conversation just opened stays while it is on screen
  await tab(page, "Unread").press("ArrowLeft"); // keyboard: arrows move between tabs
  await expect(tab(page, "Resolved")).toHaveAttribute("aria-selected", "true");
  await expect(tab(page, "Resolved")).toBeFocused();
  await tab(page, "Resolved").press("ArrowRight");
  await expect(inboxRows(page)).toHaveCount(1);
  await expect(rowOf(page, gone!)).toBeVisible();
});

test("the inbox pages in older conversations as the list scrolls, without duplicates", async ({ browser }) => {
  test.setTimeout(120_000);
  const { page, snippet } = await signUpAgent(browser);
  const agentId = agentIdOf(snippet);
  for (let i = 0; i < 55; i += 5) {
    visitors.push(...(await Promise.all([0, 1, 2, 3, 4].map((j) => seedVisitor(agentId, [`Message number ${i + j}`])))));
  }
  await page.reload(); // a fresh console: the first page only
  await expect(inboxRows(page)).toHaveCount(50);
  await inboxRows(page).last().scrollIntoViewIfNeeded();
  await expect(inboxRows(page)).toHaveCount(55);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  const numbers = (await inboxRows(page).getByText(/^Message number \d+$/).allTextContents()).map((text) => Number(text.slice("Message number ".length)));
  expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 55 }, (_, i) => i));

  // A search with more results than a page pages too, here by the button.
  await inboxRows(page).first().scrollIntoViewIfNeeded();
  await searchBox(page).fill("message number");
  await expect(inboxRows(page)).toHaveCount(50);
  await expect(inboxRows(page).first().getByTestId("match")).toBeVisible();
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(inboxRows(page)).toHaveCount(55);
});

test("on a phone the list and the conversation take the screen in turn, with a Back button", async ({ browser }) => {
  const { page, visitors: [first, second] } = await consoleWith(browser, [["Hi, I am on my phone too"], ["Is the store open on Sunday?"]]);
  await page.setViewportSize({ width: 390, height: 760 });
  const nav = page.getByRole("navigation", { name: "Conversations" });
  await expect(nav).toBeVisible();
  expect((await nav.boundingBox())!.width).toBeGreaterThan(380);
  await expect(conversation(page)).toBeHidden();
  await shot(page, "inbox-phone-list");

  await rowOf(page, second!).click();
  await expect(nav).toBeHidden();
  await expect(conversation(page).getByRole("heading", { name: second!.label })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toBeVisible();
  await expect(conversation(page).getByRole("button", { name: "Resolve" })).toBeInViewport();
  await expect(conversation(page).getByText("Is the store open on Sunday?")).toBeInViewport();
  await shot(page, "inbox-phone-conversation");

  await page.getByRole("button", { name: "Back to conversations" }).click();
  await expect(nav).toBeVisible();
  await expect(rowOf(page, first!)).toBeVisible();
  await expect(page.getByRole("link", { name: "Settings" })).toHaveAttribute("href", "/admin/settings");
});

test("a long visitor name is cut short while the Resolved badge and the time stay visible", async ({ browser }) => {
  const { page, visitors: [visitor] } = await consoleWith(browser, [["My name is very long"]]);
  await rowOf(page, visitor!).click();
  await conversation(page).getByRole("button", { name: "Resolve" }).click();
  const row = inboxRows(page).first(); // the only one; its label is about to change
  await expect(row.getByText("Resolved")).toBeVisible();
  // The label as a visitor's own (long) name would make it: only the CSS decides what fits.
  await row.getByText(visitor!.label, { exact: true }).evaluate((label) => {
    label.textContent = "Maximilian Alexander Bartholomew von Hohenzollern-Sigmaringen the Third";
  });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 760 });
    if (width === 390) await page.getByRole("button", { name: "Back to conversations" }).click();
    const box = (await row.boundingBox())!;
    for (const part of [row.getByText("Resolved"), row.locator("time")]) {
      const inner = (await part.boundingBox())!;
      expect(inner.x + inner.width, `${width}px`).toBeLessThanOrEqual(box.x + box.width);
    }
    expect(await row.getByText(/^Maximilian/).evaluate((label) => label.scrollWidth > label.clientWidth)).toBe(true);
    await shot(page, `inbox-long-name-${width}`);
  }
});

test("the console speaks Chinese to a Chinese browser", async ({ browser }) => {
  const { page: english, snippet } = await signUpAgent(browser);
  visitors.push(await seedVisitor(agentIdOf(snippet), ["你好，请问有人吗？"]));
  const context = await browser.newContext({ locale: "zh-CN" });
  await context.addCookies(await english.context().cookies());
  const page = await context.newPage();
  await page.goto("/admin");
  const nav = page.getByRole("navigation", { name: "会话列表" });
  await expect(nav.getByRole("heading", { name: "收件箱" })).toBeVisible();
  await expect(page.getByRole("searchbox", { name: "搜索会话" })).toHaveAttribute("placeholder", "搜索姓名、邮箱或消息内容");
  for (const name of ["全部", "进行中", "已解决", "未读", "在线"]) await expect(page.getByRole("tab", { name })).toBeVisible();
  await expect(page.getByRole("link", { name: "设置" })).toBeVisible();
  await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
  await expect(page).toHaveTitle("(1) 收件箱 · Parley");
  await expect(page.getByText("从左侧选择一个会话。")).toBeVisible();
  await inboxRows(page).first().click();
  await expect(page.getByRole("region", { name: "会话" }).getByRole("button", { name: "标记为已解决" })).toBeVisible();
  await page.getByRole("tab", { name: "已解决" }).click();
  await expect(page.getByText("还没有已解决的会话。")).toBeVisible();
  await shot(page, "inbox-zh");
  await context.close();
});

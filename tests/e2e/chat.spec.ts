import { expect, test } from "@playwright/test";
import { chatFrame, hostSite, openWidget, sendFromWidget, signUpAgent } from "./support.ts";

test("a visitor on another site and an agent chat both ways, and both keep the history", async ({ browser }, testInfo) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  expect(snippet).toMatch(/^<script src="http:\/\/localhost:\d+\/widget\.js" data-agent="[0-9a-f]{32}" async><\/script>$/);
  const site = await hostSite(snippet);
  const visitorPage = await (await browser.newContext()).newPage();
  await visitorPage.goto(site.url);

  // The host page is untouched: its own button keeps its own style, and no iframe exists until the visitor opens the chat.
  await expect(visitorPage.locator("#buy")).toHaveCSS("background-color", "rgb(0, 255, 0)");
  await expect(visitorPage.locator("iframe")).toHaveCount(0);
  await openWidget(visitorPage);
  await sendFromWidget(visitorPage, "Where is my order?");
  await expect(chatFrame(visitorPage).getByRole("log").getByText("Where is my order?")).toBeVisible();

  // The inbox updates live: the visitor's row with the last message and one unread.
  const row = agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Where is my order?" });
  await expect(row).toBeVisible();
  await expect(row.getByLabel("1 unread")).toBeVisible();
  await expect(row.getByRole("img", { name: "online" })).toBeVisible();
  await row.click();
  await expect(agentPage.getByRole("log").getByText("Where is my order?")).toBeVisible();
  await expect(row.getByLabel("1 unread")).toHaveCount(0);
  await expect(chatFrame(visitorPage).getByText("Read")).toBeVisible(); // the read receipt reached the visitor

  await agentPage.getByRole("textbox", { name: "Message" }).fill("It ships tomorrow.");
  await agentPage.keyboard.press("Enter");
  await expect(chatFrame(visitorPage).getByRole("log").getByText("It ships tomorrow.")).toBeVisible();
  await sendFromWidget(visitorPage, "Thanks!");
  await expect(agentPage.getByRole("log").getByText("Thanks!")).toBeVisible();

  await agentPage.screenshot({ path: testInfo.outputPath("console.png") });
  await visitorPage.screenshot({ path: testInfo.outputPath("widget.png") });

  // After a reload both sides see the whole history, in order.
  await Promise.all([agentPage.reload(), visitorPage.reload()]);
  await openWidget(visitorPage);
  const expected = ["Where is my order?", "It ships tomorrow.", "Thanks!"];
  await expect(chatFrame(visitorPage).getByRole("log").getByRole("listitem").locator("p")).toHaveText(expected);
  await agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Thanks!" }).click();
  await expect(agentPage.getByRole("log").getByRole("listitem").locator("p")).toHaveText(expected);
  await site.close();
});

test("a message written while offline shows as sending, then arrives exactly once", async ({ browser }) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  const site = await hostSite(snippet);
  const visitorContext = await browser.newContext();
  const visitorPage = await visitorContext.newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  await sendFromWidget(visitorPage, "First, while online");
  const row = agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "First, while online" });
  await row.click();

  await visitorContext.setOffline(true);
  await expect(chatFrame(visitorPage).getByRole("status")).toContainText("Reconnecting");
  await sendFromWidget(visitorPage, "Sent from a tunnel");
  await expect(chatFrame(visitorPage).getByText("Sending…")).toBeVisible();
  await visitorContext.setOffline(false);

  await expect(agentPage.getByRole("log").getByText("Sent from a tunnel")).toHaveCount(1);
  await expect(chatFrame(visitorPage).getByText("Sending…")).toHaveCount(0);
  // A later message arrives after it, and the offline one is still there once: nothing doubled on reconnect.
  await sendFromWidget(visitorPage, "And one more");
  await expect(agentPage.getByRole("log").getByText("And one more")).toBeVisible();
  await expect(agentPage.getByRole("log").getByText("Sent from a tunnel")).toHaveCount(1);
  await site.close();
});

test("two tabs of one agent stay in step, and /im.html opens the same visitor window", async ({ browser }) => {
  const { page: tabA, snippet } = await signUpAgent(browser);
  const tabB = await tabA.context().newPage();
  await tabB.goto("/admin");
  const agentId = /data-agent="([0-9a-f]{32})"/.exec(snippet)![1];

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/im.html?agent=${agentId}`);
  await visitor.getByRole("textbox", { name: "Message" }).fill("Hello from the old URL");
  await visitor.getByRole("button", { name: "Send" }).click();

  const rowIn = (tab: typeof tabA) => tab.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Hello from the old URL" });
  await expect(rowIn(tabA).getByLabel("1 unread")).toBeVisible();
  await expect(rowIn(tabB).getByLabel("1 unread")).toBeVisible();
  await rowIn(tabA).click(); // reading in one tab clears the badge in the other
  await expect(rowIn(tabB).getByLabel("1 unread")).toHaveCount(0);

  await rowIn(tabB).click();
  await tabA.getByRole("textbox", { name: "Message" }).fill("Answered from tab A");
  await tabA.getByRole("button", { name: "Send" }).click();
  await expect(tabB.getByRole("log").getByText("Answered from tab A")).toBeVisible();
  await expect(visitor.getByRole("log").getByText("Answered from tab A")).toBeVisible();
});

test("a reply to a closed widget shows on the launcher as unread until the visitor opens it", async ({ browser }) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  const site = await hostSite(snippet);
  const visitorPage = await (await browser.newContext()).newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  await sendFromWidget(visitorPage, "Is anyone there?");
  await visitorPage.getByRole("button", { name: "Close chat" }).click();

  await agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Is anyone there?" }).click();
  await agentPage.getByRole("textbox", { name: "Message" }).fill("Yes, here!");
  await agentPage.keyboard.press("Enter");
  await expect(visitorPage.getByRole("button", { name: "Open chat, 1 unread" })).toBeVisible();
  // Two unread can only show if the first reply was not marked read behind the closed panel.
  await agentPage.getByRole("textbox", { name: "Message" }).fill("Still here.");
  await agentPage.keyboard.press("Enter");
  await expect(visitorPage.getByRole("button", { name: "Open chat, 2 unread" })).toBeVisible();
  await expect(agentPage.getByRole("log").getByText("Delivered")).toBeVisible();

  await visitorPage.getByRole("button", { name: "Open chat, 2 unread" }).click();
  await expect(chatFrame(visitorPage).getByRole("log").getByText("Yes, here!")).toBeVisible();
  await expect(agentPage.getByRole("log").getByText("Read")).toBeVisible();
  await visitorPage.getByRole("button", { name: "Close chat" }).click();
  await expect(visitorPage.getByRole("button", { name: "Open chat" })).toBeVisible();
  await site.close();
});

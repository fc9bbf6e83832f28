import { expect, test, type Browser, type Page } from "@playwright/test";
import { chatFrame, hostSite, newAgent, openWidget, sendFromWidget, signUpAgent } from "./support.ts";

/** A fresh agent and a visitor who has written once, with the agent's console on that conversation. */
async function startChat(browser: Browser, firstMessage: string) {
  const agent = newAgent();
  const { page: agentPage, snippet } = await signUpAgent(browser, agent);
  const site = await hostSite(snippet);
  const visitorPage = await (await browser.newContext()).newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  await sendFromWidget(visitorPage, firstMessage);
  const row = inboxRow(agentPage);
  await expect(row).toContainText(firstMessage);
  await row.click();
  await expect(agentPage.getByRole("log").getByText(firstMessage)).toBeVisible();
  const visitorLabel = (await agentPage.getByRole("region", { name: "Conversation" }).getByRole("heading").textContent()) ?? "";
  return { agent, agentPage, visitorPage, visitorLabel, row, site };
}

const inboxRow = (page: Page) => page.getByRole("navigation", { name: "Conversations" }).getByRole("listitem").getByRole("button");

test("typing indicators show both ways, and go away when the message arrives or the box is emptied", async ({ browser }, testInfo) => {
  const { agent, agentPage, visitorPage, visitorLabel, site } = await startChat(browser, "Hello?");
  const visitorBox = chatFrame(visitorPage).getByRole("textbox", { name: "Message" });
  const atAgent = agentPage.getByRole("status").filter({ hasText: "is typing" });
  const atVisitor = chatFrame(visitorPage).getByRole("status").filter({ hasText: "is typing" });

  await visitorBox.pressSequentially("I have a question", { delay: 20 });
  await expect(atAgent).toHaveText(`${visitorLabel} is typing…`);
  await agentPage.screenshot({ path: testInfo.outputPath("console-typing.png") });
  await chatFrame(visitorPage).getByRole("button", { name: "Send" }).click();
  await expect(agentPage.getByRole("log").getByText("I have a question")).toBeVisible();
  await expect(atAgent).toHaveCount(0);

  const agentBox = agentPage.getByRole("textbox", { name: "Message" });
  await agentBox.pressSequentially("Sure, ask", { delay: 20 });
  await expect(atVisitor).toHaveText(`${agent.name} is typing…`);
  await visitorPage.screenshot({ path: testInfo.outputPath("widget-typing.png") });
  await agentBox.fill(""); // emptying the box counts as having stopped
  await expect(atVisitor).toHaveCount(0);
  await site.close();
});

test("the agent resolves a conversation and reopens it; a visitor's message reopens it too", async ({ browser }, testInfo) => {
  const { agentPage, visitorPage, row, site } = await startChat(browser, "My order is late");
  const header = agentPage.getByRole("region", { name: "Conversation" });

  await header.getByRole("button", { name: "Resolve" }).click();
  await expect(header.getByRole("button", { name: "Reopen" })).toBeVisible();
  await expect(row.getByText("Resolved")).toBeVisible();
  await agentPage.screenshot({ path: testInfo.outputPath("console-resolved.png") });

  await header.getByRole("button", { name: "Reopen" }).click();
  await expect(header.getByRole("button", { name: "Resolve" })).toBeVisible();
  await expect(row.getByText("Resolved")).toHaveCount(0);

  // Resolved survives a reload (it is stored), and the visitor writing again reopens it live.
  await header.getByRole("button", { name: "Resolve" }).click();
  await expect(row.getByText("Resolved")).toBeVisible();
  await agentPage.reload();
  await expect(inboxRow(agentPage).getByText("Resolved")).toBeVisible();
  await inboxRow(agentPage).click();
  await expect(header.getByRole("button", { name: "Reopen" })).toBeVisible();
  await sendFromWidget(visitorPage, "Any news?");
  await expect(agentPage.getByRole("log").getByText("Any news?")).toBeVisible();
  await expect(inboxRow(agentPage).getByText("Resolved")).toHaveCount(0);
  await expect(header.getByRole("button", { name: "Resolve" })).toBeVisible();
  await site.close();
});

test("web addresses in messages are safe links; javascript: text is never one", async ({ browser }) => {
  const { agentPage, visitorPage, site } = await startChat(browser, "Look at https://example.com/shoes?id=7. Is it in stock?");
  await sendFromWidget(visitorPage, "javascript:alert(1)");
  await sendFromWidget(visitorPage, "data:text/html,<b>hi</b>");
  for (const page of [agentPage, visitorPage]) {
    const log = page === agentPage ? agentPage.getByRole("log") : chatFrame(visitorPage).getByRole("log");
    await expect(log.getByText("data:text/html,<b>hi</b>")).toBeVisible();
    const link = log.getByRole("link", { name: "https://example.com/shoes?id=7" });
    await expect(link).toHaveAttribute("href", "https://example.com/shoes?id=7");
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(link).toHaveAttribute("rel", "noopener noreferrer nofollow");
    await expect(log.getByRole("link")).toHaveCount(1); // not the sentence's full stop, nor the javascript: or data: text
    await expect(log.getByText("javascript:alert(1)")).toBeVisible();
    await expect(log.getByRole("separator", { name: "Today" })).toHaveCount(1); // one day, one separator
  }
  await site.close();
});

import { randomUUID } from "node:crypto";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import { E2E_PORT } from "../../playwright.config.ts";
import { chatFrame, hostSite, openWidget, sendFromWidget, signUpAgent } from "./support.ts";

const BASE = `http://localhost:${E2E_PORT}`;
const TOTAL = Number(process.env.HISTORY_E2E_TOTAL ?? 10_000); // smaller while working on the test; 10,000 is the point
// Sockets of the one visitor sending at once, each waiting for its acks. Sends into one conversation are ordered by
// its row lock, so more senders would buy little, and each also receives every other's messages.
const SENDERS = 16;

/** The visitor the widget made in this page: its token from the window's storage, its conversation from POST /api/visitors. */
async function visitorOf(page: Page, agentId: string): Promise<{ token: string; conversationId: string }> {
  // Chromium denies the third-party iframe its own storage, so the loader keeps the window's keys in the host page's.
  await expect.poll(() => page.evaluate(() => localStorage.getItem("parley.visitor.token"))).not.toBeNull();
  const stored = await page.evaluate(() => localStorage.getItem("parley.visitor.token"));
  const response = await fetch(`${BASE}/api/visitors`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ agentId, token: stored }) });
  const reply = (await response.json()) as { ok: true; data: { token: string; conversationId: string } };
  return reply.data;
}

/** Stores `count` messages of the visitor through message:send from several of its sockets at once; returns the time it took. */
async function seed(token: string, conversationId: string, count: number): Promise<number> {
  const started = Date.now();
  const sockets: Socket[] = await Promise.all(
    Array.from({ length: SENDERS }, () => {
      const socket = io(BASE, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
      return new Promise<Socket>((resolve, reject) => socket.once("connect", () => resolve(socket)).once("connect_error", reject));
    }),
  );
  let next = 0;
  try {
    await Promise.all(
      sockets.map(async (socket) => {
        for (let n = next++; n < count; n = next++) {
          const ack = (await socket.timeout(30_000).emitWithAck("message:send", { conversationId, clientMsgId: randomUUID(), body: `Old message ${n + 1}` })) as { ok: boolean };
          if (!ack.ok) throw new Error(`message:send refused: ${JSON.stringify(ack)}`);
        }
      }),
    );
  } finally {
    sockets.forEach((socket) => socket.close());
  }
  return Date.now() - started;
}

/** The seqs of the message rows in the page, in document order. */
const renderedSeqs = (log: Locator) => log.locator("li[data-seq]").evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-seq"))));

/** Scrolls the log by `dy` and reports, synchronously after the scroll, where the row at the log's middle is. */
const scrollAndAnchor = (log: Locator, dy: number) =>
  log.evaluate((el, dy) => {
    el.scrollTop += dy;
    const box = el.getBoundingClientRect();
    const rows = [...el.querySelectorAll<HTMLElement>("li[data-seq]")];
    const middle = rows.find((row) => row.getBoundingClientRect().bottom > box.top + box.height / 2) ?? rows[0]!;
    return { seq: Number(middle.dataset.seq), top: middle.getBoundingClientRect().top, lowest: Number(rows[0]!.dataset.seq) };
  }, dy);

const rowTop = (log: Locator, seq: number) => log.locator(`li[data-seq="${seq}"]`).evaluate((row) => row.getBoundingClientRect().top);

const isAtBottom = (log: Locator) => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4);

test("10,000 messages: the console opens at the newest, pages up to the first without gaps, duplicates or jumps, and follows new ones", async ({ browser }, testInfo) => {
  test.setTimeout(900_000);
  const { page: agentPage, snippet } = await signUpAgent(browser);
  const agentId = /data-agent="([0-9a-f]{32})"/.exec(snippet)![1]!;
  const site = await hostSite(snippet);
  const visitorContext = await browser.newContext();
  let visitorPage = await visitorContext.newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  const { token, conversationId } = await visitorOf(visitorPage, agentId);

  // Neither side watches while the history is written: nobody needs 10,000 live arrivals rendered one by one.
  await visitorPage.close();
  await agentPage.goto("about:blank");
  const tookMs = await seed(token, conversationId, TOTAL);
  testInfo.annotations.push({ type: "seeding", description: `${TOTAL} messages through message:send in ${tookMs} ms` });
  console.log(`seeded ${TOTAL} messages in ${tookMs} ms (${Math.round(TOTAL / (tookMs / 1000))} messages/s)`);
  expect(tookMs).toBeLessThan(360_000);

  // The visitor comes back and writes: one check ("Delivered") until the agent reads it.
  visitorPage = await visitorContext.newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  const visitorLog = chatFrame(visitorPage).getByRole("log");
  await expect(visitorLog.getByText(`Old message`).first()).toBeVisible();
  await sendFromWidget(visitorPage, "Is anyone there?");
  const ownLast = visitorLog.locator("li[data-seq]").filter({ hasText: "Is anyone there?" });
  await expect(ownLast).toHaveAttribute("data-seq", String(TOTAL + 1));
  await expect(ownLast.getByText("Delivered")).toBeVisible();
  await expect(ownLast.getByTitle("Delivered")).toBeVisible();
  await expect(visitorLog.getByRole("img", { name: "Delivered" }).first()).toBeVisible(); // the earlier own messages: one check each
  await expect(visitorLog.getByRole("img", { name: "Read" })).toHaveCount(0);

  // The agent opens it: the newest messages, at the bottom, with only a window of the 10,001 rows in the page.
  await agentPage.goto("/admin");
  const row = agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Is anyone there?" });
  await row.click();
  const log = agentPage.getByRole("log");
  await expect(log.getByText("Is anyone there?")).toBeVisible();
  await expect.poll(() => isAtBottom(log)).toBe(true);
  const opened = await renderedSeqs(log);
  expect(opened.length).toBeLessThan(120);
  expect(opened.at(-1)).toBe(TOTAL + 1);
  expect(opened).toEqual(opened.map((_, i) => opened[0]! + i));
  await agentPage.screenshot({ path: "test-results/shots/history-console.png" });

  // Read: the visitor's newest message gets two checks and says so; so do the earlier ones.
  await expect(ownLast.getByText("Read")).toBeVisible();
  await expect(ownLast.getByTitle("Read")).toBeVisible();
  await expect(visitorLog.getByRole("img", { name: "Read" }).first()).toBeVisible();
  await expect(visitorLog.getByRole("img", { name: "Delivered" })).toHaveCount(0);
  await visitorPage.screenshot({ path: "test-results/shots/history-widget.png" });

  // Scrolling up: when a page is prepended above, what is on screen stays where it was.
  const before = await log.evaluate((el) => {
    el.scrollTop = 450; // just outside the "near the top" zone (400 px): nothing loads yet
    return el.scrollTop;
  });
  expect(before).toBe(450);
  await expect(log.getByText("Loading earlier messages…")).toHaveCount(0);
  const lowestAtOpen = (await renderedSeqs(log))[0]!; // the first row held: at 450 px from the top, it is rendered
  const anchor = await scrollAndAnchor(log, -100); // now near the top: the page before is fetched
  await expect.poll(async () => (await renderedSeqs(log))[0]).toBeLessThan(lowestAtOpen);
  // Kept to within a few pixels (Virtuoso trades estimated heights for measured ones); a jump would be a page's height.
  expect(Math.abs((await rowTop(log, anchor.seq)) - anchor.top)).toBeLessThanOrEqual(8);

  // On up to seq 1, a screen at a time: every screen is a run of consecutive seqs, and together they are all of them.
  const seen = new Set<number>();
  for (let steps = 0; !seen.has(1); steps++) {
    expect(steps).toBeLessThan(8000);
    const shown = await log.evaluate(async (el) => {
      // Most of a screen up, then the rows in view once the view is covered by rendered rows (on a busy machine
      // rendering can take several frames). The screens overlap, so every row passes through one of them.
      el.scrollTop -= Math.floor(el.clientHeight * 0.9);
      const box = el.getBoundingClientRect();
      const rows = () => [...el.querySelectorAll<HTMLElement>("li[data-seq]")].map((li) => ({ seq: Number(li.dataset.seq), rect: li.getBoundingClientRect() }));
      for (let frame = 0; frame < 240; frame++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const rendered = rows();
        const coversTop = el.scrollTop < 50 || (rendered[0]?.rect.top ?? Infinity) <= box.top + 1;
        if (coversTop && (rendered.at(-1)?.rect.bottom ?? -Infinity) >= box.bottom - 1) break;
      }
      return rows()
        .filter(({ rect }) => rect.bottom > box.top && rect.top < box.bottom)
        .map(({ seq }) => seq);
    });
    expect(shown).toEqual(shown.map((_, i) => shown[0]! + i));
    expect(shown.length).toBeLessThan(200);
    shown.forEach((seq) => seen.add(seq));
  }
  await expect(log.getByText("This is the start of the conversation")).toBeVisible();
  await expect(log.locator('li[data-seq="1"]')).toContainText("Old message");
  await expect(log.locator('li[data-seq="1"]').getByRole("separator")).toBeVisible(); // the first message starts its day
  await agentPage.screenshot({ path: "test-results/shots/history-console-top.png" });
  // Seen on the way up: everything from the first message to the page the console opened on, each once.
  const lowestSeenOnTheWay = Math.min(...seen);
  expect(lowestSeenOnTheWay).toBe(1);
  for (let seq = 1; seq <= lowestAtOpen; seq++) if (!seen.has(seq)) throw new Error(`seq ${seq} was never shown`);
  expect(await log.locator("li[data-seq]").count()).toBeLessThan(200);

  // Scrolled up, a new message does not move the view; a button offers it.
  await sendFromWidget(visitorPage, "Hello again, from the bottom");
  const jump = agentPage.getByRole("button", { name: "New messages ↓" });
  await expect(jump).toBeVisible();
  await expect(log.locator('li[data-seq="1"]')).toBeVisible();
  await agentPage.screenshot({ path: "test-results/shots/history-console-new.png" });
  await jump.click();
  await expect(log.getByText("Hello again, from the bottom")).toBeVisible();
  await expect.poll(() => isAtBottom(log)).toBe(true);
  await expect(jump).toHaveCount(0);

  // At the bottom, a new message appears at the bottom and the view stays there.
  await sendFromWidget(visitorPage, "And one more");
  await expect(log.getByText("And one more")).toBeVisible();
  await expect.poll(() => isAtBottom(log)).toBe(true);
  const last = await renderedSeqs(log);
  expect(last.at(-1)).toBe(TOTAL + 3);
  expect(last).toEqual(last.map((_, i) => last[0]! + i));
  await site.close();
});

test("the widget on a phone shows a long history from the newest message, with its marks", async ({ browser }) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  const agentId = /data-agent="([0-9a-f]{32})"/.exec(snippet)![1]!;
  const site = await hostSite(snippet);
  const visitorPage = await (await browser.newContext({ viewport: { width: 390, height: 760 } })).newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  const { token, conversationId } = await visitorOf(visitorPage, agentId);
  await seed(token, conversationId, 300);
  await agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Old message" }).click();
  await agentPage.getByRole("textbox", { name: "Message" }).fill("Thanks for all these messages, reading them now.");
  await agentPage.keyboard.press("Enter");
  const log = chatFrame(visitorPage).getByRole("log");
  await expect(log.getByText("Thanks for all these messages")).toBeVisible();
  await expect(log.getByRole("img", { name: "Read" }).first()).toBeVisible();
  const seqs = await renderedSeqs(log);
  expect(seqs.at(-1)).toBe(301);
  expect(seqs.length).toBeLessThan(100);
  await visitorPage.screenshot({ path: "test-results/shots/history-widget-phone.png" });
  await site.close();
});

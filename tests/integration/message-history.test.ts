import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newMessageId } from "../../src/core/ids.ts";
import type { AckResult, HistoryPage, MessageView, SyncPage } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectAgent, emitAny, connectVisitor, identifyVisitor, openChat, send, unwrap, useServer, type TestSocket } from "./support.ts";

const { server, track } = useServer();

const history = (socket: TestSocket, input: { conversationId: string; beforeSeq?: number; limit?: number }): Promise<AckResult<HistoryPage>> =>
  socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:history", input);

/** A conversation with `count` messages from the visitor (seq 1..count), and its participants' sockets. */
async function chatWith(count: number) {
  const chat = await openChat(server, track);
  const sent: MessageView[] = [];
  for (let i = 1; i <= count; i++) sent.push(unwrap(await send(chat.visitorTab, chat.conversationId, `message ${i}`)).message);
  return { ...chat, sent };
}

describe("message:history", () => {
  it("without beforeSeq gives the newest page, oldest first, and says older ones remain", async () => {
    const { agentTab, conversationId, sent } = await chatWith(12);
    const page = unwrap(await history(agentTab, { conversationId, limit: 5 }));
    expect(page.messages).toEqual(sent.slice(7));
    expect(page.messages.map((m) => m.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(page.hasMore).toBe(true);
  });

  it("pages upward from the newest to seq 1 with no gap and no duplicate, hasMore false only on the last page", async () => {
    const { visitorTab, conversationId, sent } = await chatWith(23);
    const pages: HistoryPage[] = [unwrap(await history(visitorTab, { conversationId, limit: 5 }))];
    while (pages.at(-1)!.hasMore) pages.push(unwrap(await history(visitorTab, { conversationId, beforeSeq: pages.at(-1)!.messages[0]!.seq, limit: 5 })));
    expect(pages.map((page) => [page.messages.map((m) => m.seq), page.hasMore])).toEqual([
      [[19, 20, 21, 22, 23], true],
      [[14, 15, 16, 17, 18], true],
      [[9, 10, 11, 12, 13], true],
      [[4, 5, 6, 7, 8], true],
      [[1, 2, 3], false],
    ]);
    expect(pages.reverse().flatMap((page) => page.messages)).toEqual(sent);
  });

  it("says hasMore false when the page reaches seq 1 exactly", async () => {
    const { agentTab, conversationId } = await chatWith(6);
    expect(unwrap(await history(agentTab, { conversationId, beforeSeq: 4, limit: 3 })).hasMore).toBe(false);
    expect(unwrap(await history(agentTab, { conversationId, beforeSeq: 5, limit: 3 })).hasMore).toBe(true);
  });

  it("gives 50 messages by default and at most 200", async () => {
    const { agentTab, conversationId } = await chatWith(0);
    // Stored directly: 260 sends would take the visitor past the message rate limit (and only slow the test down).
    const { visitorDeviceId } = await server.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    await server.db.$transaction([
      server.db.message.createMany({
        data: Array.from({ length: 260 }, (_, i) => ({ id: newMessageId(), conversationId, seq: i + 1, senderDeviceId: visitorDeviceId, clientMsgId: randomUUID(), body: `bulk ${i + 1}` })),
      }),
      server.db.conversation.update({ where: { id: conversationId }, data: { lastSeq: 260 } }),
    ]);
    const first = unwrap(await history(agentTab, { conversationId }));
    expect(first.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 211 + i));
    const widest = unwrap(await history(agentTab, { conversationId, beforeSeq: 211, limit: 200 }));
    expect([widest.messages[0]!.seq, widest.messages.at(-1)!.seq, widest.messages.length, widest.hasMore]).toEqual([11, 210, 200, true]);
    expect(await history(agentTab, { conversationId, limit: 201 })).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
  });

  it("answers an empty conversation, and a page before seq 1, with no messages and no more", async () => {
    const { visitorTab, conversationId } = await chatWith(1);
    expect(unwrap(await history(visitorTab, { conversationId, beforeSeq: 1 }))).toEqual({ messages: [], hasMore: false });
    const empty = await chatWith(0);
    expect(unwrap(await history(empty.agentTab, { conversationId: empty.conversationId }))).toEqual({ messages: [], hasMore: false });
  });

  it("gives the same messages as message:sync, attachments and all", async () => {
    const { agentTab, conversationId } = await chatWith(4);
    const synced: SyncPage = unwrap(await agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("message:sync", { conversationId, afterSeq: 0, limit: 100 }));
    expect(unwrap(await history(agentTab, { conversationId })).messages).toEqual(synced.messages);
  });

  it("refuses another visitor's conversation exactly as one that does not exist", async () => {
    const { agent, conversationId } = await chatWith(2);
    const mallory = await identifyVisitor(server.url, agent.deviceId);
    const malloryTab = await connectVisitor(server.url, mallory.token);
    track(malloryTab);
    const others = await history(malloryTab, { conversationId });
    expect(others).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "conversation not found" } });
    expect(await history(malloryTab, { conversationId: randomBytes(32).toString("hex") })).toEqual(others);
  });

  it("refuses another agent's conversation", async () => {
    const { conversationId } = await chatWith(1);
    const { agent: other } = await openChat(server, track);
    const otherTab = await connectAgent(server.url, other.cookie);
    track(otherTab);
    expect(await history(otherTab, { conversationId })).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "conversation not found" } });
  });

  const badInputs: Record<string, (conversationId: string) => unknown> = {
    "no payload": () => null,
    "a conversationId of the wrong shape": () => ({ conversationId: "../../etc/passwd" }),
    "a beforeSeq of 0": (conversationId) => ({ conversationId, beforeSeq: 0 }),
    "a negative beforeSeq": (conversationId) => ({ conversationId, beforeSeq: -3 }),
    "a fractional beforeSeq": (conversationId) => ({ conversationId, beforeSeq: 2.5 }),
    "a beforeSeq given as a string": (conversationId) => ({ conversationId, beforeSeq: "10" }),
    "a beforeSeq beyond any seq (a 32-bit column)": (conversationId) => ({ conversationId, beforeSeq: 2 ** 31 }),
    "a limit of zero": (conversationId) => ({ conversationId, limit: 0 }),
    "a limit over 200": (conversationId) => ({ conversationId, limit: 100_000 }),
  };
  for (const [name, payload] of Object.entries(badInputs)) {
    it(`answers ${name} with BAD_INPUT`, async () => {
      const { visitorTab, conversationId } = await chatWith(0);
      const answer = await emitAny(visitorTab, "message:history", payload(conversationId));
      expect(answer).toEqual({ ok: false, error: { code: "BAD_INPUT", message: expect.any(String) } });
    });
  }
});

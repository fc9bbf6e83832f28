import { describe, expect, it } from "vitest";
import { connectAgent, connectVisitor, openConversation, send, unwrap, useServer } from "./support.ts";

const { server, track } = useServer();

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("50 concurrent senders in one conversation", () => {
  it("get seqs 1..50 with no gap and no duplicate, in the acks and in the database", async () => {
    const { agent, visitor, conversationId } = await openConversation(server);
    // 25 visitor tabs and 25 agent tabs, each sending one message at the same moment.
    const tabs = await Promise.all([
      ...range(1, 25).map(() => connectVisitor(server.url, visitor.token)),
      ...range(1, 25).map(() => connectAgent(server.url, agent.cookie)),
    ]);
    track(...tabs);

    const acks = await Promise.all(tabs.map((tab, i) => send(tab, conversationId, `message ${i}`)));

    const acked = acks.map((ack) => unwrap(ack).message);
    expect(acked.map((message) => message.seq).sort((a, b) => a - b)).toEqual(range(1, 50));
    expect(new Set(acked.map((message) => message.id)).size).toBe(50);
    const rows = await server.db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.seq)).toEqual(range(1, 50));
    // Each row is the message whose ack named its seq.
    for (const message of acked) expect(rows[message.seq - 1]).toMatchObject({ id: message.id, body: message.body });
    expect(await server.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ lastSeq: 50 });
  });
});

// Batched sends (src/server/message-batcher.ts) on two node processes sharing Redis and PostgreSQL: every
// check runs in the statement that stores, so a block made on one node holds on the other at once, and two
// nodes' batches into the same conversation keep its seqs gap-free.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTwoNodes } from "./two-nodes.ts";
import { ACK_TIMEOUT_MS, connectAgent, connectVisitor, identifyVisitor, seedAgent, send, unwrap, } from "./support.ts";

const nodes = useTwoNodes();
const { track: tracked } = nodes;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const errorCode = (ack: Awaited<ReturnType<typeof send>>) => (ack.ok ? "ok" : ack.error.code);

describe("batched sends on two nodes", () => {
  it("refuse a visitor on node A the moment its agent on node B blocks it, and accept it again once unblocked", async () => {
    const agent = await seedAgent(nodes.db);
    const agentTab = tracked(await connectAgent(nodes.nodeB.url, agent.cookie));
    const visitor = await identifyVisitor(nodes.nodeA.url, agent.deviceId);
    const visitorTab = tracked(await connectVisitor(nodes.nodeA.url, visitor.token));
    const { conversationId } = visitor;
    const first = unwrap(await send(visitorTab, conversationId, "before the block")).message;

    unwrap(await agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("visitor:block", { deviceId: visitor.visitor.deviceId, by: ["device"] }));
    expect(errorCode(await send(visitorTab, conversationId, "after the block"))).toBe("BLOCKED");
    // A retry of what it sent before the block is still answered with the stored message.
    expect(unwrap(await send(visitorTab, conversationId, "before the block", first.clientMsgId)).message).toEqual(first);
    // The agent may still write.
    expect(unwrap(await send(agentTab, conversationId, "noted")).message.seq).toBe(2);

    unwrap(await agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("visitor:unblock", { deviceId: visitor.visitor.deviceId }));
    expect(unwrap(await send(visitorTab, conversationId, "after the unblock")).message.seq).toBe(3);
    const rows = await nodes.db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" }, select: { seq: true, body: true } });
    expect(rows).toEqual([
      { seq: 1, body: "before the block" },
      { seq: 2, body: "noted" },
      { seq: 3, body: "after the unblock" },
    ]);
  });

  it("keep seqs gap-free and each message stored once when both nodes write one conversation, retries racing across nodes", { timeout: 30_000 }, async () => {
    const agent = await seedAgent(nodes.db);
    const visitor = await identifyVisitor(nodes.nodeA.url, agent.deviceId);
    const { conversationId } = visitor;
    const [visitorOnA, visitorOnB, agentOnA, agentOnB] = await Promise.all([
      connectVisitor(nodes.nodeA.url, visitor.token),
      connectVisitor(nodes.nodeB.url, visitor.token),
      connectAgent(nodes.nodeA.url, agent.cookie),
      connectAgent(nodes.nodeB.url, agent.cookie),
    ]);
    [visitorOnA, visitorOnB, agentOnA, agentOnB].forEach(tracked);
    // 24 messages, each sent on one node and retried at the same moment on the other (48 sends: within the
    // default rate limit of 30 per device in 10 s).
    const outgoing = range(1, 24).map((i) => ({ clientMsgId: randomUUID(), body: `m${i}`, tabs: i % 2 ? [visitorOnA, visitorOnB] : [agentOnB, agentOnA] }));
    const acks = await Promise.all(outgoing.flatMap(({ clientMsgId, body, tabs }) => tabs.map((tab) => send(tab, conversationId, body, clientMsgId, 10_000))));
    const acked = acks.map((ack) => unwrap(ack).message);
    for (let i = 0; i < outgoing.length; i++) expect(acked[2 * i + 1]).toEqual(acked[2 * i]);
    expect(acked.filter((_, i) => i % 2 === 0).map((message) => message.seq).sort((a, b) => a - b)).toEqual(range(1, 24));
    const rows = await nodes.db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" }, select: { seq: true } });
    expect(rows.map((row) => row.seq)).toEqual(range(1, 24));
    expect(await nodes.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ lastSeq: 24 });
  });
});

// Two node processes sharing a Redis (this file's own) and a PostgreSQL database: whatever a client does on
// one node reaches the clients on the other, as if there were one node.
import { describe, expect, it } from "vitest";
import type { InboxEntry, MessageView, PresenceChange, ReadReceipt } from "../../src/server/socket/contract.ts";
import { useTwoNodes } from "./two-nodes.ts";
import {
  ACK_TIMEOUT_MS,
  connectAgent,
  connectVisitor,
  identifyVisitor,
  listConversations,
  seedAgent,
  send,
  unwrap,
  waitFor,
  type TestSocket,
} from "./support.ts";

const nodes = useTwoNodes();
const { track: tracked } = nodes;

/** An agent connected to node B, and a visitor of that agent who identified on node A (so the conversation is new). */
async function agentOnBVisitorOnA() {
  const agent = await seedAgent(nodes.db);
  const agentTab = tracked(await connectAgent(nodes.nodeB.url, agent.cookie));
  const visitor = await identifyVisitor(nodes.nodeA.url, agent.deviceId);
  const visitorTab = tracked(await connectVisitor(nodes.nodeA.url, visitor.token));
  return { agent, agentTab, visitor, visitorTab, conversationId: visitor.conversationId };
}

const markRead = async (socket: TestSocket, conversationId: string, seq: number): Promise<ReadReceipt> =>
  unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId, seq }));

async function inboxEntry(socket: TestSocket, conversationId: string): Promise<InboxEntry | undefined> {
  return unwrap(await listConversations(socket)).conversations.find((entry) => entry.id === conversationId);
}

describe("two nodes sharing Redis and PostgreSQL", () => {
  it("deliver a visitor's message on node A to the agent on node B, and the reply back", async () => {
    const { agentTab, visitorTab, conversationId } = await agentOnBVisitorOnA();

    const [atAgent, sentAck] = await Promise.all([waitFor<MessageView>(agentTab, "message:sent"), send(visitorTab, conversationId, "hello from node A")]);
    expect(atAgent).toEqual(unwrap(sentAck).message);
    expect(atAgent).toMatchObject({ conversationId, seq: 1, body: "hello from node A" });

    const [atVisitor, replyAck] = await Promise.all([waitFor<MessageView>(visitorTab, "message:sent"), send(agentTab, conversationId, "hello from node B")]);
    expect(atVisitor).toEqual(unwrap(replyAck).message);
    expect(atVisitor).toMatchObject({ conversationId, seq: 2, body: "hello from node B" });
  });

  it("carry read receipts across nodes, both ways", async () => {
    const { agent, agentTab, visitor, visitorTab, conversationId } = await agentOnBVisitorOnA();
    unwrap(await send(visitorTab, conversationId, "one"));
    unwrap(await send(visitorTab, conversationId, "two"));

    const [atVisitor, agentReceipt] = await Promise.all([waitFor(visitorTab, "conversation:read"), markRead(agentTab, conversationId, 1)]);
    expect(atVisitor).toEqual({ conversationId, deviceId: agent.deviceId, lastReadSeq: 1 });
    expect(agentReceipt).toMatchObject({ deviceId: agent.deviceId, lastReadSeq: 1, unread: 1 });

    unwrap(await send(agentTab, conversationId, "three"));
    const [atAgent] = await Promise.all([waitFor(agentTab, "conversation:read"), markRead(visitorTab, conversationId, 3)]);
    expect(atAgent).toEqual({ conversationId, deviceId: visitor.visitor.deviceId, lastReadSeq: 3 });
    expect(await inboxEntry(agentTab, conversationId)).toMatchObject({ lastSeq: 3, lastReadSeq: 3, peerLastReadSeq: 3, unread: 0 });
  });

  it("announce presence across nodes, and conversation:list on node B sees a visitor connected to node A", async () => {
    const agent = await seedAgent(nodes.db);
    const visitor = await identifyVisitor(nodes.nodeA.url, agent.deviceId);
    const agentTab = tracked(await connectAgent(nodes.nodeB.url, agent.cookie));
    const visitorId = visitor.visitor.deviceId;

    const online = waitFor<PresenceChange>(agentTab, "presence:changed", (change) => change.deviceId === visitorId);
    const visitorTab = tracked(await connectVisitor(nodes.nodeA.url, visitor.token));
    expect(await online).toMatchObject({ deviceId: visitorId, online: true });

    unwrap(await send(visitorTab, visitor.conversationId, "anyone there?")); // an agent's inbox lists conversations with messages
    expect(await inboxEntry(agentTab, visitor.conversationId)).toMatchObject({ peer: { deviceId: visitorId }, peerOnline: true });
    expect(await inboxEntry(visitorTab, visitor.conversationId)).toMatchObject({ peer: { deviceId: agent.deviceId }, peerOnline: true });

    const offline = waitFor<PresenceChange>(agentTab, "presence:changed", (change) => change.deviceId === visitorId);
    visitorTab.close();
    expect(await offline).toMatchObject({ deviceId: visitorId, online: false });
    expect(await inboxEntry(agentTab, visitor.conversationId)).toMatchObject({ peerOnline: false });
  });

  it("keep two tabs of one agent, on different nodes, in step", async () => {
    const { agent, agentTab: tabOnB, visitorTab, conversationId } = await agentOnBVisitorOnA();
    const tabOnA = tracked(await connectAgent(nodes.nodeA.url, agent.cookie));

    // The agent's own message reaches its other tab on the other node (and the visitor).
    const [atOtherTab, atVisitor, ack] = await Promise.all([
      waitFor<MessageView>(tabOnB, "message:sent"),
      waitFor<MessageView>(visitorTab, "message:sent"),
      send(tabOnA, conversationId, "typed on node A"),
    ]);
    expect(atOtherTab).toEqual(unwrap(ack).message);
    expect(atVisitor).toEqual(unwrap(ack).message);

    // The visitor's message reaches both tabs.
    const [onA, onB, visitorAck] = await Promise.all([
      waitFor<MessageView>(tabOnA, "message:sent"),
      waitFor<MessageView>(tabOnB, "message:sent"),
      send(visitorTab, conversationId, "thanks"),
    ]);
    expect(onA).toEqual(unwrap(visitorAck).message);
    expect(onB).toEqual(unwrap(visitorAck).message);

    // Reading on one tab clears the badge on the other.
    const [readOnA] = await Promise.all([waitFor(tabOnA, "conversation:read"), markRead(tabOnB, conversationId, 2)]);
    expect(readOnA).toEqual({ conversationId, deviceId: agent.deviceId, lastReadSeq: 2 });
    const [entryOnA, entryOnB] = await Promise.all([inboxEntry(tabOnA, conversationId), inboxEntry(tabOnB, conversationId)]);
    expect(entryOnA).toEqual(entryOnB);
    expect(entryOnA).toMatchObject({ lastSeq: 2, lastReadSeq: 2, unread: 0, peerOnline: true });
  });

  it("kept both nodes free of warnings", () => {
    expect([...nodes.nodeA.problems(), ...nodes.nodeB.problems()]).toEqual([]);
  });
});

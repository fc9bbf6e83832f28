import { describe, expect, it } from "vitest";
import type { InboxEntry, ReadReceipt } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectVisitor, identifyVisitor, listConversations, openChat, send, unwrap, useServer, waitFor, type TestSocket } from "./support.ts";

const { server, track } = useServer();

async function inboxEntry(socket: TestSocket, conversationId: string): Promise<InboxEntry | undefined> {
  const { conversations } = unwrap(await listConversations(socket));
  return conversations.find((entry) => entry.id === conversationId);
}

const markRead = async (socket: TestSocket, conversationId: string, seq: number): Promise<ReadReceipt> =>
  unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId, seq }));

describe("unread counts", () => {
  it("count the peer's messages the reader has not read", async () => {
    const c = await openChat(server, track);
    for (const body of ["one", "two", "three"]) unwrap(await send(c.agentTab, c.conversationId, body));
    expect(await inboxEntry(c.visitorTab, c.conversationId)).toMatchObject({ lastSeq: 3, lastReadSeq: 0, unread: 3, lastMessage: { body: "three" } });
  });

  it("never count one's own messages", async () => {
    const c = await openChat(server, track);
    unwrap(await send(c.visitorTab, c.conversationId, "hello"));
    unwrap(await send(c.visitorTab, c.conversationId, "anyone there?"));
    expect(await inboxEntry(c.visitorTab, c.conversationId)).toMatchObject({ lastSeq: 2, lastReadSeq: 2, unread: 0 });
    expect(await inboxEntry(c.agentTab, c.conversationId)).toMatchObject({ lastSeq: 2, lastReadSeq: 0, unread: 2, peerLastReadSeq: 2 });
    unwrap(await send(c.agentTab, c.conversationId, "yes, hi"));
    expect(await inboxEntry(c.visitorTab, c.conversationId)).toMatchObject({ lastSeq: 3, lastReadSeq: 2, unread: 1 });
    expect(await inboxEntry(c.agentTab, c.conversationId)).toMatchObject({ lastSeq: 3, lastReadSeq: 3, unread: 0 });
  });

  it("show the peer from each side: the agent sees the visitor, the visitor sees the agent", async () => {
    const c = await openChat(server, track);
    unwrap(await send(c.visitorTab, c.conversationId, "hi"));
    expect(await inboxEntry(c.agentTab, c.conversationId)).toMatchObject({
      peer: { deviceId: c.visitor.visitor.deviceId, kind: "visitor", label: c.visitor.visitor.label },
      peerOnline: true,
    });
    expect(await inboxEntry(c.visitorTab, c.conversationId)).toMatchObject({ peer: { deviceId: c.agent.deviceId, kind: "agent", label: c.agent.name }, peerOnline: true });
  });
});

describe("conversation:mark-read", () => {
  it("acks the new cursor and tells the peer and the reader's other tab", async () => {
    const c = await openChat(server, track);
    for (const body of ["one", "two", "three"]) unwrap(await send(c.agentTab, c.conversationId, body));
    const [receipt, atAgent, atOtherTab] = await Promise.all([
      markRead(c.visitorTab, c.conversationId, 2),
      waitFor(c.agentTab, "conversation:read"),
      waitFor(c.visitorOtherTab, "conversation:read"),
    ]);
    const expected = { conversationId: c.conversationId, deviceId: c.visitor.visitor.deviceId, lastReadSeq: 2 };
    expect(receipt).toEqual({ ...expected, unread: 1 });
    expect(atAgent).toEqual(expected);
    expect(atOtherTab).toEqual(expected);
    expect(await inboxEntry(c.visitorOtherTab, c.conversationId)).toMatchObject({ lastReadSeq: 2, unread: 1 });
    expect(await inboxEntry(c.agentTab, c.conversationId)).toMatchObject({ peerLastReadSeq: 2 });
  });

  it("never moves the cursor backwards", async () => {
    const c = await openChat(server, track);
    for (const body of ["one", "two", "three"]) unwrap(await send(c.agentTab, c.conversationId, body));
    expect(await markRead(c.visitorTab, c.conversationId, 3)).toMatchObject({ lastReadSeq: 3, unread: 0 });
    expect(await markRead(c.visitorOtherTab, c.conversationId, 1)).toMatchObject({ lastReadSeq: 3, unread: 0 }); // a late report from a slower tab
    expect(await inboxEntry(c.visitorTab, c.conversationId)).toMatchObject({ lastReadSeq: 3, unread: 0 });
  });

  it("announces the resulting cursor even when it did not move, to the calling socket too", async () => {
    const c = await openChat(server, track);
    for (const body of ["one", "two"]) unwrap(await send(c.agentTab, c.conversationId, body));
    // The first receipt is awaited where it lands, so that the next one each socket gets is the second call's.
    await Promise.all([markRead(c.visitorTab, c.conversationId, 2), waitFor(c.visitorOtherTab, "conversation:read"), waitFor(c.agentTab, "conversation:read")]);
    const [, atCaller, atAgent] = await Promise.all([
      markRead(c.visitorOtherTab, c.conversationId, 1),
      waitFor(c.visitorOtherTab, "conversation:read"),
      waitFor(c.agentTab, "conversation:read"),
    ]);
    expect(atCaller).toEqual({ conversationId: c.conversationId, deviceId: c.visitor.visitor.deviceId, lastReadSeq: 2 });
    expect(atAgent).toEqual(atCaller);
  });

  it("leaves nothing unread after reading up to the last seq", async () => {
    const c = await openChat(server, track);
    for (const body of ["one", "two"]) unwrap(await send(c.visitorTab, c.conversationId, body));
    expect(await inboxEntry(c.agentTab, c.conversationId)).toMatchObject({ unread: 2 });
    expect(await markRead(c.agentTab, c.conversationId, 2)).toMatchObject({ lastReadSeq: 2, unread: 0 });
    expect(await inboxEntry(c.agentTab, c.conversationId)).toMatchObject({ lastReadSeq: 2, unread: 0 });
  });

  it("caps the cursor at the last message: nobody reads what has not been written", async () => {
    const c = await openChat(server, track);
    unwrap(await send(c.agentTab, c.conversationId, "only one"));
    expect(await markRead(c.visitorTab, c.conversationId, 99)).toMatchObject({ lastReadSeq: 1, unread: 0 });
    unwrap(await send(c.agentTab, c.conversationId, "a second"));
    expect(await inboxEntry(c.visitorTab, c.conversationId)).toMatchObject({ lastReadSeq: 1, unread: 1 });
  });
});

describe("conversation:list", () => {
  it("accepts no options, as the contract allows (undefined travels as null)", async () => {
    const c = await openChat(server, track);
    unwrap(await send(c.agentTab, c.conversationId, "hi"));
    const withoutOptions = unwrap(await c.visitorTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:list", undefined)) as { conversations: InboxEntry[] };
    expect(withoutOptions.conversations.map((entry) => entry.id)).toEqual([c.conversationId]);
  });

  it("lists an agent's conversations by latest activity, leaving out rooms nobody has written in", async () => {
    const c = await openChat(server, track);
    const quiet = await identifyVisitor(server.url, c.agent.deviceId); // opened the widget, never wrote
    const later = await identifyVisitor(server.url, c.agent.deviceId);
    unwrap(await send(c.visitorTab, c.conversationId, "first"));
    const laterTab = await connectVisitor(server.url, later.token);
    track(laterTab);
    unwrap(await send(laterTab, later.conversationId, "second"));
    const { conversations } = unwrap(await listConversations(c.agentTab));
    expect(conversations.map((entry) => entry.id)).toEqual([later.conversationId, c.conversationId]);
    expect(conversations.map((entry) => entry.id)).not.toContain(quiet.conversationId);
  });
});

import { describe, expect, it } from "vitest";
import type { AckResult, ConversationStatusChange, InboxEntry, TypingChange } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectVisitor, emitAny, identifyVisitor, openChat, send, untyped, unwrap, useServer, waitFor, type TestSocket } from "./support.ts";

const { server, track } = useServer();

const setTyping = (socket: TestSocket, conversationId: string, isTyping: boolean) =>
  socket.timeout(ACK_TIMEOUT_MS).emitWithAck("typing:set", { conversationId, isTyping });
const resolve = (socket: TestSocket, conversationId: string) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:resolve", { conversationId });
const reopen = (socket: TestSocket, conversationId: string) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:reopen", { conversationId });
const statusOf = async (socket: TestSocket, conversationId: string): Promise<string> => {
  const result: AckResult<{ conversation: InboxEntry }> = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:get", { conversationId });
  return unwrap(result).conversation.status;
};

/** Collects every event of one name a socket receives, to show that one did not arrive. */
function collect<T>(socket: TestSocket, event: "typing:changed" | "conversation:updated"): T[] {
  const seen: T[] = [];
  untyped(socket).on(event, (value: T) => void seen.push(value));
  return seen;
}

describe("typing:set", () => {
  it("tells the peer both ways, and never echoes to the sending socket", async () => {
    const c = await openChat(server, track);
    const atVisitorTab = collect<TypingChange>(c.visitorTab, "typing:changed");
    const [ack, atAgent] = await Promise.all([setTyping(c.visitorTab, c.conversationId, true), waitFor<TypingChange>(c.agentTab, "typing:changed")]);
    expect(ack).toEqual({ ok: true, data: { conversationId: c.conversationId, isTyping: true } });
    expect(atAgent).toEqual({ conversationId: c.conversationId, deviceId: c.visitor.visitor.deviceId, isTyping: true });

    const atAgentTab = collect<TypingChange>(c.agentTab, "typing:changed");
    const [, atVisitor] = await Promise.all([setTyping(c.agentTab, c.conversationId, false), waitFor<TypingChange>(c.visitorOtherTab, "typing:changed")]);
    expect(atVisitor).toEqual({ conversationId: c.conversationId, deviceId: c.agent.deviceId, isTyping: false });
    // A round trip on each socket after the broadcasts: any echo would have arrived by now.
    await Promise.all([setTyping(c.visitorOtherTab, c.conversationId, false), setTyping(c.visitorTab, c.conversationId, false)]);
    expect(atVisitorTab.filter((change) => change.deviceId === c.visitor.visitor.deviceId && change.isTyping)).toEqual([]);
    expect(atAgentTab.filter((change) => change.deviceId === c.agent.deviceId)).toEqual([]);
  });

  it("answers NOT_FOUND for a conversation that is not yours, and tells nobody", async () => {
    const c = await openChat(server, track);
    const stranger = await identifyVisitor(server.url, c.agent.deviceId);
    const strangerTab = await connectVisitor(server.url, stranger.token);
    track(strangerTab);
    const atAgent = collect<TypingChange>(c.agentTab, "typing:changed");
    const atVisitor = collect<TypingChange>(c.visitorTab, "typing:changed");
    expect(await setTyping(strangerTab, c.conversationId, true)).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "conversation not found" } });
    await setTyping(c.visitorOtherTab, c.conversationId, false); // a round trip: anything the stranger caused has landed
    expect(atAgent.filter((change) => change.deviceId === stranger.visitor.deviceId)).toEqual([]);
    expect(atVisitor.filter((change) => change.deviceId === stranger.visitor.deviceId)).toEqual([]);
  });

  it("refuses a payload without a boolean isTyping", async () => {
    const c = await openChat(server, track);
    expect(await emitAny(c.visitorTab, "typing:set", { conversationId: c.conversationId, isTyping: "yes" })).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
  });
});

describe("conversation:resolve and conversation:reopen", () => {
  it("let the agent resolve and reopen, broadcasting conversation:updated to the room", async () => {
    const c = await openChat(server, track);
    unwrap(await send(c.visitorTab, c.conversationId, "hi"));
    const resolved: ConversationStatusChange = { conversationId: c.conversationId, status: "resolved" };
    const [ack, atVisitor, atOtherTab] = await Promise.all([
      resolve(c.agentTab, c.conversationId),
      waitFor(c.visitorTab, "conversation:updated"),
      waitFor(c.visitorOtherTab, "conversation:updated"),
    ]);
    expect(ack).toEqual({ ok: true, data: resolved });
    expect(atVisitor).toEqual(resolved);
    expect(atOtherTab).toEqual(resolved);
    expect(await statusOf(c.agentTab, c.conversationId)).toBe("resolved");

    const reopened: ConversationStatusChange = { conversationId: c.conversationId, status: "open" };
    const [reopenAck, atVisitorAgain] = await Promise.all([reopen(c.agentTab, c.conversationId), waitFor(c.visitorTab, "conversation:updated")]);
    expect(reopenAck).toEqual({ ok: true, data: reopened });
    expect(atVisitorAgain).toEqual(reopened);
    expect(await statusOf(c.visitorTab, c.conversationId)).toBe("open");
  });

  it("answer FORBIDDEN to a visitor, and change nothing", async () => {
    const c = await openChat(server, track);
    const forbidden = { ok: false, error: { code: "FORBIDDEN", message: "only the agent can resolve or reopen a conversation" } };
    expect(await resolve(c.visitorTab, c.conversationId)).toEqual(forbidden);
    expect(await reopen(c.visitorTab, c.conversationId)).toEqual(forbidden);
    expect(await statusOf(c.agentTab, c.conversationId)).toBe("open");
  });

  it("answer NOT_FOUND to another agent", async () => {
    const c = await openChat(server, track);
    const other = await openChat(server, track);
    expect(await resolve(other.agentTab, c.conversationId)).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "conversation not found" } });
    expect(await statusOf(c.agentTab, c.conversationId)).toBe("open");
  });

  it("a visitor's message reopens a resolved conversation", async () => {
    const c = await openChat(server, track);
    unwrap(await send(c.visitorTab, c.conversationId, "hi"));
    unwrap(await resolve(c.agentTab, c.conversationId));
    expect(await statusOf(c.visitorTab, c.conversationId)).toBe("resolved");
    unwrap(await send(c.visitorTab, c.conversationId, "one more thing"));
    expect(await statusOf(c.agentTab, c.conversationId)).toBe("open");
  });
});

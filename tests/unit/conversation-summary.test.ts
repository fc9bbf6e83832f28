import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/actor.ts";
import { toSummary } from "../../src/core/conversations/conversation-summary.ts";

type Row = Parameters<typeof toSummary>[0];

const visitorId = "0123456789abcdef0123456789abcdef";
const agentId = "fedcba9876543210fedcba9876543210";
const conversationId = visitorId + agentId;
const t = (minute: number) => new Date(Date.UTC(2026, 10, 23, 12, minute));

const visitorActor: Actor = { kind: "visitor", deviceId: visitorId };
const agentActor: Actor = { kind: "agent", deviceId: agentId, agentId: "agent-1", sessionToken: "s" };

/** A conversation of 5 messages, the last one from the agent; the visitor has read 2, the agent 5. */
function row(overrides: Partial<Row> = {}): Row {
  return {
    id: conversationId,
    visitorDeviceId: visitorId,
    agentDeviceId: agentId,
    status: "OPEN",
    lastSeq: 5,
    lastMessageAt: t(5),
    createdAt: t(0),
    visitor: { id: visitorId, kind: "VISITOR", label: "Calm Otter 42", createdAt: t(0), lastSeenAt: t(4), userAgent: null, ip: null, referrer: null, currentPage: null, timezone: null, locale: null, name: null, email: null, attributes: {}, externalUserId: null, identityAgentId: null },
    agent: { id: agentId, kind: "AGENT", label: "device label", createdAt: t(0), lastSeenAt: t(3), userAgent: null, ip: null, referrer: null, currentPage: null, timezone: null, locale: null, name: null, email: null, attributes: {}, externalUserId: null, identityAgentId: null, agent: { name: "Ada" } },
    readStates: [
      { conversationId, deviceId: visitorId, lastReadSeq: 2, updatedAt: t(2) },
      { conversationId, deviceId: agentId, lastReadSeq: 5, updatedAt: t(5) },
    ],
    messages: [{ id: "m5", conversationId, seq: 5, senderDeviceId: agentId, clientMsgId: "c5", type: "TEXT", body: "Anything else?", uploadId: null, upload: null, createdAt: t(5) }],
    ...overrides,
  };
}

describe("toSummary", () => {
  it("counts for the visitor the messages after its read cursor", () => {
    expect(toSummary(row(), visitorActor)).toMatchObject({ lastSeq: 5, lastReadSeq: 2, unread: 3, peerLastReadSeq: 5 });
  });

  it("counts nothing unread for the agent who has read everything", () => {
    expect(toSummary(row(), agentActor)).toMatchObject({ lastReadSeq: 5, unread: 0, peerLastReadSeq: 2 });
  });

  it("shows the visitor the agent as its peer, by the agent's account name", () => {
    expect(toSummary(row(), visitorActor).peer).toEqual({ deviceId: agentId, kind: "agent", label: "Ada", lastSeenAt: t(3).toISOString() });
  });

  it("shows the agent the visitor as its peer, by the visitor's label", () => {
    expect(toSummary(row(), agentActor).peer).toEqual({ deviceId: visitorId, kind: "visitor", label: "Calm Otter 42", lastSeenAt: t(4).toISOString() });
  });

  it("shows the agent the visitor by the name it gave, else its email, else its label", () => {
    const visitor = row().visitor;
    expect(toSummary(row({ visitor: { ...visitor, name: "Grace Hopper", email: "grace@example.com" } }), agentActor).peer.label).toBe("Grace Hopper");
    expect(toSummary(row({ visitor: { ...visitor, email: "grace@example.com" } }), agentActor).peer.label).toBe("grace@example.com");
    expect(toSummary(row({ visitor }), agentActor).peer.label).toBe("Calm Otter 42");
  });

  it("falls back to the device label when the agent has no account row", () => {
    expect(toSummary(row({ agent: { ...row().agent, agent: null } }), visitorActor).peer.label).toBe("device label");
  });

  it("counts everything unread for a side that has never read", () => {
    expect(toSummary(row({ readStates: [] }), visitorActor)).toMatchObject({ lastReadSeq: 0, unread: 5, peerLastReadSeq: 0 });
  });

  it("never reports a negative unread count", () => {
    const ahead = row({ readStates: [{ conversationId, deviceId: visitorId, lastReadSeq: 9, updatedAt: t(9) }] });
    expect(toSummary(ahead, visitorActor).unread).toBe(0);
  });

  it("carries the last message as clients see it, and the status in lowercase words", () => {
    expect(toSummary(row({ status: "RESOLVED" }), visitorActor)).toMatchObject({
      id: conversationId,
      status: "resolved",
      lastMessageAt: t(5).toISOString(),
      lastMessage: { id: "m5", seq: 5, senderDeviceId: agentId, type: "text", body: "Anything else?", attachment: null, createdAt: t(5).toISOString() },
    });
  });

  it("carries the attachment of a last message that is a photo without a caption, so the inbox can preview it", () => {
    const upload = { id: "0b5c6a8e-3f1d-4c2a-9e57-7d1f2a9b4c10", conversationId, uploaderDeviceId: visitorId, storageKey: "0b5c6a8e-3f1d-4c2a-9e57-7d1f2a9b4c10.png", thumbnailKey: null, mime: "image/png", size: 1234, name: "screenshot.png", kind: "IMAGE" as const, width: 320, height: 200, createdAt: t(5) };
    const photo = { ...row().messages[0]!, senderDeviceId: visitorId, type: "IMAGE" as const, body: "", uploadId: upload.id, upload };
    expect(toSummary(row({ messages: [photo] }), agentActor).lastMessage).toMatchObject({
      type: "image",
      body: "",
      attachment: { id: upload.id, kind: "image", mime: "image/png", size: 1234, name: "screenshot.png", width: 320, height: 200, url: `/api/uploads/${upload.id}`, thumbnailUrl: null },
    });
  });

  it("has no last message in a conversation nobody has written in", () => {
    expect(toSummary(row({ lastSeq: 0, messages: [], readStates: [] }), agentActor)).toMatchObject({ lastMessage: null, unread: 0 });
  });
});

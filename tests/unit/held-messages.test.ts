import { describe, expect, it } from "vitest";
import { contiguousSeq, mergeBySeq, withNewest } from "../../src/app/_chat/held-messages.ts";
import type { InboxEntry, MessageView } from "../../src/server/socket/contract.ts";

const me = "a".repeat(32);
const peer = "b".repeat(32);
const message = (seq: number, senderDeviceId = peer, body = `m${seq}`): MessageView => ({
  id: `id-${seq}`,
  conversationId: peer + me,
  seq,
  senderDeviceId,
  clientMsgId: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
  type: "text",
  body,
  attachment: null,
  createdAt: new Date(Date.UTC(2026, 10, 23, 12, 0, seq)).toISOString(),
});
const row = (lastSeq: number, lastReadSeq: number, peerLastReadSeq = 0): InboxEntry => ({
  id: peer + me,
  status: "open",
  lastSeq,
  lastMessage: null,
  lastMessageAt: "2026-11-23T12:00:00.000Z",
  lastReadSeq,
  unread: lastSeq - lastReadSeq,
  peerLastReadSeq,
  peer: { deviceId: peer, kind: "visitor", label: "Calm Otter 42", lastSeenAt: "2026-11-23T12:00:00.000Z" },
  peerOnline: true,
});

describe("mergeBySeq", () => {
  it("keeps one copy of a message that arrives by ack, broadcast and sync alike", () => {
    expect(mergeBySeq([message(1), message(2)], [message(2), message(2), message(3)]).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("orders messages by seq whatever order they arrive in", () => {
    expect(mergeBySeq([message(3)], [message(1), message(2)]).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(mergeBySeq([message(1), message(5)], [message(4), message(2), message(3)]).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("prepends an older page and appends newer messages, deduplicated", () => {
    const held = [message(51), message(52)];
    expect(mergeBySeq(held, [message(49), message(50), message(50)]).map((m) => m.seq)).toEqual([49, 50, 51, 52]);
    expect(mergeBySeq(held, [message(54), message(53), message(54)]).map((m) => m.seq)).toEqual([51, 52, 53, 54]);
  });

  it("replaces a held message by the copy that arrives again", () => {
    expect(mergeBySeq([message(1), message(2)], [message(2, peer, "again")]).map((m) => m.body)).toEqual(["m1", "again"]);
  });
});

describe("contiguousSeq", () => {
  it("is 0 when nothing is held", () => {
    expect(contiguousSeq([])).toBe(0);
  });

  it("stops at the first gap, so a message that arrived after the gap does not hide it", () => {
    expect(contiguousSeq([message(1), message(2), message(5)])).toBe(2);
  });

  it("starts at the lowest seq held: the newest page of a long history is a run of its own", () => {
    expect(contiguousSeq([message(9951), message(9952), message(9953)])).toBe(9953);
    expect(contiguousSeq([message(2), message(3)])).toBe(3);
  });

  it("stops at a gap above a run that does not start at seq 1", () => {
    expect(contiguousSeq([message(40), message(41), message(42), message(45), message(46)])).toBe(42);
  });

  it("is the one seq held when only one is", () => {
    expect(contiguousSeq([message(7)])).toBe(7);
  });
});

describe("withNewest", () => {
  it("counts a peer's new message as unread and as read by the peer", () => {
    const next = withNewest(row(4, 4), message(5), me);
    expect(next).toMatchObject({ lastSeq: 5, unread: 1, lastReadSeq: 4, peerLastReadSeq: 5, lastMessage: { seq: 5 } });
  });

  it("never counts one's own message as unread", () => {
    expect(withNewest(row(4, 2), message(5, me), me)).toMatchObject({ lastSeq: 5, lastReadSeq: 5, unread: 0, peerLastReadSeq: 0 });
  });
});

import { describe, expect, it } from "vitest";
import { addPage, excerpt, NO_PAGES, visibleRows } from "../../src/app/admin/inbox/inbox-view.ts";
import { newVisitorMessages, seenSeqsOf } from "../../src/app/admin/inbox/new-messages.ts";
import type { InboxEntry, MessageView } from "../../src/server/socket/contract.ts";

const VISITOR = "v".repeat(32);
const AGENT = "a".repeat(32);

function message(seq: number, body: string, from = VISITOR, createdAt = `2026-11-23T10:00:0${seq % 10}.000Z`): MessageView {
  return { id: `m${seq}`, conversationId: "c", seq, senderDeviceId: from, clientMsgId: "00000000-0000-4000-8000-000000000000", type: "text", body, attachment: null, createdAt };
}

function entry(id: string, at: string, patch: Partial<InboxEntry> = {}): InboxEntry {
  return {
    id,
    status: "open",
    lastSeq: 1,
    lastMessage: message(1, `hello from ${id}`),
    lastMessageAt: at,
    lastReadSeq: 0,
    unread: 1,
    peerLastReadSeq: 1,
    peer: { deviceId: VISITOR, kind: "visitor", label: `Visitor ${id}`, lastSeenAt: at },
    peerOnline: false,
    ...patch,
  };
}

const live = (...entries: InboxEntry[]) => Object.fromEntries(entries.map((e) => [e.id, e]));
const ids = (rows: InboxEntry[]) => rows.map((r) => r.id);

describe("visibleRows", () => {
  it("orders newest first and prefers the live copy of a row the server returned", () => {
    const pages = addPage(NO_PAGES, { conversations: [entry("b", "2026-11-23T10:02:00Z"), entry("a", "2026-11-23T10:01:00Z")], nextCursor: null });
    const moved = entry("a", "2026-11-23T10:09:00Z", { unread: 3 });
    const rows = visibleRows(live(moved), pages, "all", "", null);
    expect(ids(rows)).toEqual(["a", "b"]);
    expect(rows[0]!.unread).toBe(3);
  });

  it("drops a row that no longer passes the filter, and adds a live row that now does", () => {
    const pages = addPage(NO_PAGES, { conversations: [entry("a", "2026-11-23T10:01:00Z")], nextCursor: null });
    const nowRead = entry("a", "2026-11-23T10:01:00Z", { unread: 0, lastReadSeq: 1 });
    const newlyUnread = entry("b", "2026-11-23T10:05:00Z");
    expect(ids(visibleRows(live(nowRead, newlyUnread), pages, "unread", "", null))).toEqual(["b"]);
    expect(ids(visibleRows(live(nowRead, newlyUnread), pages, "unread", "", "a"))).toEqual(["b", "a"]); // the open one stays
    expect(ids(visibleRows(live(entry("c", "2026-11-23T10:06:00Z", { status: "resolved" })), NO_PAGES, "resolved", "", null))).toEqual(["c"]);
    expect(ids(visibleRows(live(entry("d", "2026-11-23T10:06:00Z", { peerOnline: true }), entry("e", "2026-11-23T10:07:00Z")), NO_PAGES, "online", "", null))).toEqual(["d"]);
  });

  it("keeps live rows older than the pages loaded so far for the next page", () => {
    const pages = addPage(NO_PAGES, { conversations: [entry("new", "2026-11-23T10:05:00Z")], nextCursor: "more" });
    const rows = visibleRows(live(entry("old", "2026-11-23T09:00:00Z"), entry("newer", "2026-11-23T10:06:00Z")), pages, "all", "", null);
    expect(ids(rows)).toEqual(["newer", "new"]);
    const all = addPage(pages, { conversations: [entry("old", "2026-11-23T09:00:00Z")], nextCursor: null });
    expect(ids(visibleRows(live(entry("old", "2026-11-23T09:00:00Z")), all, "all", "", null))).toEqual(["new", "old"]);
  });

  it("with a query, keeps the server's matches and adds a live row whose newest message contains it", () => {
    const found = entry("a", "2026-11-23T10:01:00Z", { match: { seq: 1, body: "where is my Order" } });
    const pages = addPage(NO_PAGES, { conversations: [found], nextCursor: null });
    const liveA = entry("a", "2026-11-23T10:08:00Z", { lastSeq: 2, lastMessage: message(2, "thanks") });
    const liveB = entry("b", "2026-11-23T10:09:00Z", { lastSeq: 4, lastMessage: message(4, "another ORDER please") });
    const liveC = entry("c", "2026-11-23T10:07:00Z");
    const rows = visibleRows(live(liveA, liveB, liveC), pages, "all", "order", null);
    expect(ids(rows)).toEqual(["b", "a"]);
    expect(rows[0]!.match).toEqual({ seq: 4, body: "another ORDER please" });
    expect(rows[1]!.match).toEqual({ seq: 1, body: "where is my Order" });
    expect(ids(visibleRows(live(liveC), NO_PAGES, "all", "visitor C", null))).toEqual(["c"]);
  });
});

describe("excerpt", () => {
  it("cuts a long message around the match", () => {
    const body = `${"a".repeat(100)} the needle here ${"b".repeat(100)}`;
    const { before, match, after } = excerpt(body, "NEEDLE", 40);
    expect(match).toBe("needle");
    expect(before.startsWith("…")).toBe(true);
    expect(after.endsWith("…")).toBe(true);
    expect((before + match + after).length).toBeLessThanOrEqual(42);
  });

  it("shows the start when the match is not in the text", () => {
    expect(excerpt("short text", "zzz")).toEqual({ before: "short text", match: "", after: "" });
  });
});

describe("newVisitorMessages", () => {
  const since = Date.parse("2026-11-23T10:00:05Z");

  it("announces a row whose lastSeq grew with a visitor's message, not an agent's", () => {
    const before = entry("a", "2026-11-23T10:00:00Z");
    const seen = seenSeqsOf(live(before));
    const grown = entry("a", "2026-11-23T10:01:00Z", { lastSeq: 2, unread: 2, lastMessage: message(2, "more") });
    expect(ids(newVisitorMessages(seen, live(grown), since))).toEqual(["a"]);
    const reply = entry("a", "2026-11-23T10:01:00Z", { lastSeq: 2, unread: 0, lastMessage: message(2, "reply", AGENT) });
    expect(newVisitorMessages(seen, live(reply), since)).toEqual([]);
    expect(newVisitorMessages(seenSeqsOf(live(grown)), live(grown), since)).toEqual([]);
  });

  it("announces a new row only for a message written after the console opened", () => {
    const old = entry("old", "2026-11-23T10:00:01Z", { lastMessage: message(1, "old", VISITOR, "2026-11-23T10:00:01.000Z") });
    const fresh = entry("fresh", "2026-11-23T10:00:09Z", { lastMessage: message(1, "new", VISITOR, "2026-11-23T10:00:09.000Z") });
    expect(ids(newVisitorMessages(null, live(old, fresh), since))).toEqual(["fresh"]);
    expect(ids(newVisitorMessages(new Map(), live(old, fresh), since))).toEqual(["fresh"]);
  });

  it("stays quiet about a message another tab already read", () => {
    const read = entry("a", "2026-11-23T10:01:00Z", { lastSeq: 2, unread: 0, lastReadSeq: 2, lastMessage: message(2, "seen") });
    expect(newVisitorMessages(new Map([["a", 1]]), live(read), since)).toEqual([]);
  });
});

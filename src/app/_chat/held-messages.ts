import type { InboxEntry, MessageView } from "../../server/socket/contract.ts";

// The pure part of the browser client's bookkeeping (docs/protocol.md §12, §13): what it holds of a
// conversation and how an inbox row follows new messages. Kept free of sockets so it is unit-tested.

/** Adds messages to those held, keyed by seq: the same message by ack, broadcast and sync collapses to one. */
export function mergeBySeq(held: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
  if (!incoming.length) return [...held];
  const sorted = isAscending(incoming) ? incoming : [...incoming].sort((a, b) => a.seq - b.seq);
  // The usual cases, without re-sorting thousands of held messages: a new message after them, an older page before them.
  if (!held.length) return dedupeSorted(sorted);
  if (sorted[0]!.seq > held.at(-1)!.seq) return [...held, ...dedupeSorted(sorted)];
  if (sorted.at(-1)!.seq < held[0]!.seq) return [...dedupeSorted(sorted), ...held];
  const bySeq = new Map(held.map((m) => [m.seq, m]));
  for (const message of sorted) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

const isAscending = (messages: readonly MessageView[]) => messages.every((m, i) => i === 0 || messages[i - 1]!.seq <= m.seq);
const dedupeSorted = (messages: readonly MessageView[]) => messages.filter((m, i) => i === messages.length - 1 || messages[i + 1]!.seq !== m.seq);

/**
 * The end of the unbroken run of seqs that starts at the lowest seq held (0 when nothing is held). A client holds
 * the newest page and whatever older pages were loaded, so the run starts there, not at seq 1. Sync resumes
 * here, not from the highest seq held, so a message that arrived after a gap cannot hide the gap.
 */
export function contiguousSeq(held: readonly MessageView[]): number {
  if (!held.length) return 0;
  let seq = held[0]!.seq;
  for (const message of held) {
    if (message.seq > seq + 1) break;
    seq = message.seq;
  }
  return seq;
}

/** An inbox row after its newest message. A sender has read its own message (the server moves its cursor as it stores it). */
export function withNewest(summary: InboxEntry, newest: MessageView, selfDeviceId: string): InboxEntry {
  const isOwn = newest.senderDeviceId === selfDeviceId;
  const lastReadSeq = isOwn ? Math.max(summary.lastReadSeq, newest.seq) : summary.lastReadSeq;
  const peerLastReadSeq = isOwn ? summary.peerLastReadSeq : Math.max(summary.peerLastReadSeq, newest.seq);
  return { ...summary, lastSeq: newest.seq, lastMessage: newest, lastMessageAt: newest.createdAt, lastReadSeq, peerLastReadSeq, unread: Math.max(0, newest.seq - lastReadSeq) };
}

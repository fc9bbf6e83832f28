import type { InboxEntry, MessageView } from "../../server/socket/contract.ts";

// The pure part of the browser client's bookkeeping (docs/protocol.md §12, §13): what it holds of a
// conversation and how an inbox row follows new messages. Kept free of sockets so it is unit-tested.

/** Adds messages to those held, keyed by seq: the same message by ack, broadcast and sync collapses to one. */
export function mergeBySeq(held: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
  const bySeq = new Map(held.map((m) => [m.seq, m]));
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The end of the unbroken run of seqs held from the start (history loads from seq 1). Sync resumes
 * here, not from the highest seq held, so a message that arrived after a gap cannot hide the gap.
 */
export function contiguousSeq(held: readonly MessageView[]): number {
  let seq = 0;
  for (const message of held) {
    if (message.seq !== seq + 1) break;
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

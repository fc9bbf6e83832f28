import type { InboxEntry } from "../../../server/socket/contract.ts";

/** The lastSeq of every inbox row, as last seen. */
export type SeenSeqs = ReadonlyMap<string, number>;

export const seenSeqsOf = (inbox: Readonly<Record<string, InboxEntry>>): SeenSeqs => new Map(Object.values(inbox).map((entry) => [entry.id, entry.lastSeq]));

/**
 * Rows whose newest message is a new one from the visitor, still unread: a row seen before whose lastSeq
 * grew, or a row never seen (a new visitor) whose message was written after `since` (the console opened), so
 * that loading the inbox announces nothing old.
 */
export function newVisitorMessages(seen: SeenSeqs | null, inbox: Readonly<Record<string, InboxEntry>>, since: number): InboxEntry[] {
  return Object.values(inbox).filter((entry) => {
    const newest = entry.lastMessage;
    const isFromVisitor = entry.peer.kind === "visitor" && newest?.senderDeviceId === entry.peer.deviceId;
    if (!newest || !isFromVisitor || entry.unread === 0) return false;
    const before = seen?.get(entry.id);
    return before === undefined ? Date.parse(newest.createdAt) >= since : entry.lastSeq > before;
  });
}

import type { Prisma } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import { messageInclude, toMessageView, type MessageView } from "../messages/message-view.ts";

/** One row of an inbox, as seen by one of the two participants (docs/protocol.md, "ConversationSummary"). */
export type ConversationSummary = {
  id: string;
  status: "open" | "resolved";
  lastSeq: number;
  lastMessage: MessageView | null;
  lastMessageAt: string;
  lastReadSeq: number; // how far this side has read
  unread: number;
  peerLastReadSeq: number; // how far the other side has read: drives "Read" marks
  peer: { deviceId: string; kind: "visitor" | "agent"; label: string; lastSeenAt: string };
};

export const summaryInclude = {
  visitor: true,
  agent: { include: { agent: { select: { name: true } } } },
  readStates: true,
  messages: { orderBy: { seq: "desc" }, take: 1, include: messageInclude }, // an image with no caption still shows as one
} satisfies Prisma.ConversationInclude;
type Row = Prisma.ConversationGetPayload<{ include: typeof summaryInclude }>;

export function toSummary(row: Row, actor: Actor): ConversationSummary {
  const isVisitorSide = row.visitorDeviceId === actor.deviceId;
  const peer = isVisitorSide ? row.agent : row.visitor;
  const readSeqOf = (deviceId: string) => row.readStates.find((state) => state.deviceId === deviceId)?.lastReadSeq ?? 0;
  const lastReadSeq = readSeqOf(actor.deviceId);
  const lastMessage = row.messages[0];
  return {
    id: row.id,
    status: row.status === "OPEN" ? "open" : "resolved",
    lastSeq: row.lastSeq,
    lastMessage: lastMessage ? toMessageView(lastMessage) : null,
    lastMessageAt: row.lastMessageAt.toISOString(),
    lastReadSeq,
    unread: Math.max(0, row.lastSeq - lastReadSeq),
    peerLastReadSeq: readSeqOf(peer.id),
    peer: {
      deviceId: peer.id,
      kind: isVisitorSide ? "agent" : "visitor",
      // A visitor goes by the name or email it gave, once it gave one (VisitorProfile.displayName).
      label: isVisitorSide ? (row.agent.agent?.name ?? row.agent.label) : (peer.name ?? peer.email ?? peer.label),
      lastSeenAt: peer.lastSeenAt.toISOString(),
    },
  };
}

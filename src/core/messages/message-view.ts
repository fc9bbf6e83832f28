import type { Message } from "../../generated/prisma/client.ts";

/** A message as clients see it (docs/protocol.md, "Message"). */
export type MessageView = {
  id: string;
  conversationId: string;
  seq: number;
  senderDeviceId: string;
  clientMsgId: string;
  type: "text";
  body: string;
  createdAt: string;
};

export const toMessageView = (row: Message): MessageView => ({
  id: row.id,
  conversationId: row.conversationId,
  seq: row.seq,
  senderDeviceId: row.senderDeviceId,
  clientMsgId: row.clientMsgId,
  type: "text",
  body: row.body,
  createdAt: row.createdAt.toISOString(),
});

import type { MessageType, Prisma } from "../../generated/prisma/client.ts";
import { toUploadView, type UploadView } from "../uploads/upload-view.ts";

/** A message as clients see it (docs/protocol.md, "MessageView"). */
export type MessageView = {
  id: string;
  conversationId: string;
  seq: number;
  senderDeviceId: string;
  clientMsgId: string;
  type: "text" | "image" | "file";
  body: string;
  /** The image or file of an image or file message; null for text. */
  attachment: UploadView | null;
  createdAt: string;
};

/** What every query that returns messages must include, so that no path loses a message's attachment. */
export const messageInclude = { upload: true } satisfies Prisma.MessageInclude;
type MessageRow = Prisma.MessageGetPayload<{ include: typeof messageInclude }>;

const TYPES = { TEXT: "text", IMAGE: "image", FILE: "file" } as const satisfies Record<MessageType, MessageView["type"]>;

export const toMessageView = (row: MessageRow): MessageView => ({
  id: row.id,
  conversationId: row.conversationId,
  seq: row.seq,
  senderDeviceId: row.senderDeviceId,
  clientMsgId: row.clientMsgId,
  type: TYPES[row.type],
  body: row.body,
  attachment: row.upload ? toUploadView(row.upload) : null,
  createdAt: row.createdAt.toISOString(),
});

import type { MessageView } from "../../core/messages/message-view.ts";

/**
 * A message as golang-im clients read it (op 5 pushes, the op 19 sync, /open/listmsg). Ids are strings:
 * Parley's message ids are UUIDv7 and device ids 32 hex digits, so nothing is lost to a double. `seq` is
 * Parley's own addition (the per-room sequence number); golang-im clients ignore it.
 */
export type GoimMessage = {
  user_id: string;
  shop_id: string;
  type: "text" | "image";
  msg: string;
  room_id: string;
  dateline: number;
  id: string;
  seq: number;
};

const DEVICE_ID_LENGTH = 32;

/** `baseUrl` (`https://chat.example`, or "" for relative URLs) makes the URL of an image absolute, for pages on other origins. */
export function toGoimMessage(message: MessageView, baseUrl: string): GoimMessage {
  const url = message.attachment ? `${baseUrl}${message.attachment.url}` : "";
  const isImage = message.attachment?.kind === "image";
  // golang-im knows text and image; a file (PDF) is shown as text: its caption, then its URL.
  const msg = isImage ? url : [message.body, url].filter(Boolean).join("\n");
  return {
    user_id: message.senderDeviceId, // an agent's device id is also its shop_id
    shop_id: message.conversationId.slice(DEVICE_ID_LENGTH),
    type: isImage ? "image" : "text",
    msg,
    room_id: message.conversationId,
    dateline: Math.floor(Date.parse(message.createdAt) / 1000),
    id: message.id,
    seq: message.seq,
  };
}

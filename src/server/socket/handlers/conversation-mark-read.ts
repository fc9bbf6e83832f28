import { markRead, markReadSchema } from "../../../core/read-state/mark-read.ts";
import { defineHandler } from "../define-handler.ts";
import { rooms } from "../rooms.ts";

export const conversationMarkRead = defineHandler(markReadSchema, async (input, { io, db, socket }) => {
  const receipt = await markRead(db, input, socket.data.actor);
  const { conversationId, deviceId, lastReadSeq } = receipt;
  // To the whole room: the peer shows "Read", and the reader's other tabs clear their unread badge.
  io.to(rooms.conversation(receipt.conversationId)).emit("conversation:read", { conversationId, deviceId, lastReadSeq });
  return receipt;
});

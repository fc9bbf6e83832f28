import { blockedError, isWriterBlocked } from "../../../core/blocks/blocks.ts";
import { ChatError } from "../../../core/errors.ts";
import { sendMessage, sendMessageSchema } from "../../../core/messages/send-message.ts";
import { defineHandler } from "../define-handler.ts";
import { rooms } from "../rooms.ts";

export const messageSend = defineHandler(sendMessageSchema, async (input, { socket, db, log, limits, isCongested, address }) => {
  // Backpressure: while broadcasts pile up behind a slow or absent Redis, the sender waits and retries
  // rather than the node storing messages faster than it can tell other nodes about them.
  if (isCongested()) throw new ChatError("UNAVAILABLE", "the server is busy, retry shortly");
  // Per device, not per socket: opening more tabs buys no more messages. Retries count too; they cost a write.
  await limits.enforce("messages", socket.data.actor.deviceId);
  // A blocked visitor's new messages are refused; what it sent before the block stays, and a retry of one of
  // those (its ack lost) still gets its ack rather than a BLOCKED for a message that is stored.
  if (await isWriterBlocked(db, input.conversationId, socket.data.actor, address)) {
    const stored = await db.message.findUnique({ where: { senderDeviceId_clientMsgId: { senderDeviceId: socket.data.actor.deviceId, clientMsgId: input.clientMsgId } }, select: { id: true } });
    if (!stored) throw blockedError();
  }
  const { message, isReplay } = await sendMessage(db, input, socket.data.actor);
  // A replay is broadcast again: the node that stored the original may have died between its commit and
  // its broadcast, and then this retry is the peer's only live news of it. Clients dedupe by seq.
  socket.to(rooms.conversation(message.conversationId)).emit("message:sent", message); // the peer and the sender's other tabs
  log.debug({ conversationId: message.conversationId, seq: message.seq, isReplay }, "message stored");
  return { message };
});

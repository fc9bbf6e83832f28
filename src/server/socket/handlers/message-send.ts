import { ChatError } from "../../../core/errors.ts";
import { sendMessageSchema } from "../../../core/messages/send-message.ts";
import { batcherFor } from "../../message-batcher.ts";
import { defineHandler } from "../define-handler.ts";
import { rooms } from "../rooms.ts";

export const messageSend = defineHandler(sendMessageSchema, async (input, { socket, db, log, limits, isCongested, address }) => {
  // Backpressure: while broadcasts pile up behind a slow or absent Redis, the sender waits and retries
  // rather than the node storing messages faster than it can tell other nodes about them.
  if (isCongested()) throw new ChatError("UNAVAILABLE", "the server is busy, retry shortly");
  // Per device, not per socket: opening more tabs buys no more messages. Retries count too; they cost a write.
  await limits.enforce("messages", socket.data.actor.deviceId);
  // Stored together with the messages other sockets of this node send meanwhile (group commit), with every
  // check (participant, identity, blocks, idempotency) in the same statement; settles after the commit.
  const { message, isReplay } = await batcherFor(db).send(input, socket.data.actor, address);
  // A replay is broadcast again: the node that stored the original may have died between its commit and
  // its broadcast, and then this retry is the peer's only live news of it. Clients dedupe by seq.
  socket.to(rooms.conversation(message.conversationId)).emit("message:sent", message); // the peer and the sender's other tabs
  log.debug({ conversationId: message.conversationId, seq: message.seq, isReplay }, "message stored");
  return { message };
});

import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../../core/actor.ts";
import { ChatError } from "../../core/errors.ts";
import { sendMessageSchema } from "../../core/messages/send-message.ts";
import type { MessageView } from "../../core/messages/message-view.ts";
import { batcherFor } from "../message-batcher.ts";
import { rooms } from "../socket/rooms.ts";
import type { GoimDeps } from "./types.ts";

const goimSendSchema = z.object({
  room_id: z.string(),
  type: z.enum(["text", "image"]).default("text"),
  msg: z.string().min(1, "msg is empty"),
  /** Parley's idempotency key: a retry with the same one is stored once. golang-im clients never send it. */
  client_msg_id: z.uuid().optional(),
});
export type GoimSend = z.input<typeof goimSendSchema>;

// An image message's msg is the URL /upload/file answered: Parley's own upload URL, absolute or relative.
const UPLOAD_URL = /(?:^|\/)api\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/**
 * Stores a message sent through a golang-im path (/open/push, op 23) with Parley's own send, through the
 * node's batcher: the same seq, idempotency, read state, rate limit, blocks and group commit as a Socket.IO
 * message:send. Then every client of the room
 * hears it: Socket.IO clients as message:sent, goim clients (on any node) as an op 5 push.
 */
export function goimSend(deps: Pick<GoimDeps, "io" | "db" | "limits" | "inflight" | "isCongested">, actor: Actor, input: GoimSend, address?: string): Promise<MessageView> {
  return deps.inflight.track(send(deps, actor, input, address)); // a shutdown lets it finish before the connections go
}

async function send({ io, db, limits, isCongested }: Pick<GoimDeps, "io" | "db" | "limits" | "isCongested">, actor: Actor, input: GoimSend, address?: string): Promise<MessageView> {
  // As message:send: while broadcasts pile up behind a slow Redis, senders wait and retry.
  if (isCongested()) throw new ChatError("UNAVAILABLE", "the server is busy, retry shortly");
  const fields = goimSendSchema.safeParse(input);
  if (!fields.success) throw new ChatError("BAD_INPUT", z.prettifyError(fields.error));
  const { room_id, type, msg, client_msg_id } = fields.data;
  await limits.enforce("messages", actor.deviceId);
  const uploadId = type === "image" ? UPLOAD_URL.exec(msg.trim())?.[1]?.toLowerCase() : undefined;
  // An image from elsewhere (a URL that is not one of our uploads) is kept as its URL, in a text message.
  const parsed = sendMessageSchema.safeParse({ conversationId: room_id, clientMsgId: client_msg_id ?? randomUUID(), body: uploadId ? "" : msg, uploadId });
  if (!parsed.success) throw new ChatError("BAD_INPUT", z.prettifyError(parsed.error));
  // Group-committed with every other send of this node, Socket.IO's included, with the same checks (blocks too).
  const { message } = await batcherFor(db).send(parsed.data, actor, address);
  io.to(rooms.conversation(message.conversationId)).emit("message:sent", message);
  return message;
}

import { z } from "zod";
import type { Message, Upload } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { conversationIdSchema, newMessageId } from "../ids.ts";
import { blockedError, isWriterBlocked } from "../blocks/blocks.ts";
import { findVisibleConversation } from "../conversations/find-visible-conversation.ts";
import { messageInclude, toMessageView, type MessageView } from "./message-view.ts";

export const MAX_BODY_LENGTH = 4000;
export const sendMessageSchema = z
  .object({
    conversationId: conversationIdSchema,
    clientMsgId: z.uuid(),
    // With an upload the body is its caption, and may be empty.
    // PostgreSQL text cannot hold U+0000: refused here as bad input rather than failing the insert as INTERNAL.
    // Zod's max() counts code points; the contract (docs/protocol.md) counts UTF-16 units, as JavaScript's length and a
    // textarea's maxLength do, so an emoji counts as two here as it does in every client.
    body: z
      .string()
      .trim()
      .refine((body) => body.length <= MAX_BODY_LENGTH, `must be at most ${MAX_BODY_LENGTH} characters`)
      .refine((body) => !body.includes("\0"), "must not contain NUL (U+0000) characters")
      .default(""),
    uploadId: z.uuid().transform((id) => id.toLowerCase()).optional(),
  })
  .refine((input) => input.body !== "" || input.uploadId !== undefined, { message: "message is empty", path: ["body"] });
export type SendMessageInput = z.infer<typeof sendMessageSchema>;
export type SendResult = { message: MessageView; isReplay: boolean };

const UNIQUE_VIOLATION = "23505";

/**
 * Stores a message with the conversation's next seq, once per (sender, clientMsgId).
 * One statement bumps lastSeq, inserts the row and moves the sender's read cursor: it holds the
 * conversation's row lock, so concurrent senders get consecutive seqs, and if the insert fails the bump
 * is rolled back with it (no gap). A single statement also behaves on PGlite, where concurrent
 * interactive transactions do not.
 */
export async function sendMessage(db: Db, input: SendMessageInput, actor: Actor): Promise<SendResult> {
  const conversation = await findVisibleConversation(db, input.conversationId, actor);
  const replay = await findReplay(db, actor, input);
  if (replay) return replay; // a message resent after a lost ack must not take a second seq
  const upload = input.uploadId ? await findAttachableUpload(db, input.uploadId, conversation.id, actor) : null;
  const reopens = actor.kind === "visitor"; // a visitor writing again reopens a resolved conversation
  try {
    const [row] = await db.$queryRaw<Message[]>`
      WITH bumped AS (
        UPDATE "Conversation"
           SET "lastSeq" = "lastSeq" + 1, "lastMessageAt" = now(),
               "status" = CASE WHEN ${reopens} THEN 'OPEN'::"ConversationStatus" ELSE "status" END
         WHERE "id" = ${conversation.id}
         RETURNING "lastSeq", "lastMessageAt"),
      inserted AS (
        INSERT INTO "Message" ("id", "conversationId", "seq", "senderDeviceId", "clientMsgId", "type", "body", "uploadId", "createdAt")
        SELECT ${newMessageId()}, ${conversation.id}, "lastSeq", ${actor.deviceId}, ${input.clientMsgId}::uuid, ${upload?.kind ?? "TEXT"}::"MessageType",
               ${input.body}, ${upload?.id ?? null}::uuid, "lastMessageAt"
          FROM bumped
        RETURNING *),
      -- The sender has read up to their own message, so it never counts as unread for them; GREATEST,
      -- because a mark-read from another of their tabs may already have moved the cursor further.
      senderRead AS (
        INSERT INTO "ReadState" ("conversationId", "deviceId", "lastReadSeq", "updatedAt")
        SELECT "conversationId", "senderDeviceId", "seq", now() FROM inserted
        ON CONFLICT ("conversationId", "deviceId")
        DO UPDATE SET "lastReadSeq" = GREATEST("ReadState"."lastReadSeq", EXCLUDED."lastReadSeq"), "updatedAt" = now())
      SELECT * FROM inserted`;
    if (!row) throw new ChatError("NOT_FOUND", "conversation not found");
    return { message: toMessageView({ ...row, upload }), isReplay: false };
  } catch (err) {
    // The original and its retry raced past findReplay; the unique index let one in, so answer with it.
    if (uniqueViolation(err)) {
      const winner = await findReplay(db, actor, input);
      if (winner) return winner;
      // Otherwise the unique index that lost was the upload's: another message took it meanwhile.
      if (upload) throw alreadyAttached();
    }
    throw err;
  }
}

/**
 * A send with every check, one message at a time: what message:send did before writes were batched, and
 * what still answers uploads and every message a batch left out (storeTextMessages), with its reason.
 * A blocked visitor's new messages are refused; what it sent before the block stays, and a retry of one of
 * those (its ack lost) still gets its ack rather than a BLOCKED for a message that is stored.
 */
export async function sendMessageChecked(db: Db, input: SendMessageInput, actor: Actor, requestIp?: string): Promise<SendResult> {
  if (await isWriterBlocked(db, input.conversationId, actor, requestIp)) {
    const stored = await db.message.findUnique({ where: { senderDeviceId_clientMsgId: { senderDeviceId: actor.deviceId, clientMsgId: input.clientMsgId } }, select: { id: true } });
    if (!stored) throw blockedError();
  }
  return sendMessage(db, input, actor);
}

/** The upload an image or file message refers to: this device's, in this conversation, not yet sent. */
async function findAttachableUpload(db: Db, uploadId: string, conversationId: string, actor: Actor): Promise<Upload> {
  const upload = await db.upload.findUnique({ where: { id: uploadId }, include: { message: { select: { id: true } } } });
  // Someone else's upload answers like a missing one, so upload IDs cannot be probed through messages.
  const isOwn = upload?.uploaderDeviceId === actor.deviceId && upload.conversationId === conversationId;
  if (!upload || !isOwn) throw new ChatError("NOT_FOUND", "upload not found");
  if (upload.message) throw alreadyAttached();
  const { message: _message, ...row } = upload;
  return row;
}

const alreadyAttached = () => new ChatError("CONFLICT", "this upload is already attached to another message");

async function findReplay(db: Db, actor: Actor, { conversationId, clientMsgId }: SendMessageInput): Promise<SendResult | null> {
  const row = await db.message.findUnique({ where: { senderDeviceId_clientMsgId: { senderDeviceId: actor.deviceId, clientMsgId } }, include: messageInclude });
  if (!row) return null;
  // A retry names the same conversation; a clientMsgId reused elsewhere is a client bug, and answering
  // with a message from another conversation would make the client show it in the wrong place.
  if (row.conversationId !== conversationId) throw new ChatError("CONFLICT", "this clientMsgId was already used for a message in another conversation");
  return { message: toMessageView(row), isReplay: true };
}

function uniqueViolation(err: unknown): boolean {
  const text = `${(err as { code?: string })?.code ?? ""} ${(err as Error)?.message ?? ""}`;
  return text.includes(UNIQUE_VIOLATION) || text.includes("P2002") || text.includes("P2010") && text.includes("unique");
}

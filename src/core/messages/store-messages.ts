import type { Message } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import { normalizeIp } from "../blocks/blocks.ts";
import type { Db } from "../db.ts";
import { newMessageId } from "../ids.ts";
import type { SendMessageInput } from "./send-message.ts";

/** One text message of a batch: its input, who sends it, and the address the request came from (for IP blocks). */
export type BatchItem = { input: SendMessageInput; actor: Actor; requestIp?: string };

// normalizeIp's rule in SQL, for the address a visitor's device was last seen from (stored as the socket saw it).
const MAPPED_IPV4 = "^::ffff:([0-9]{1,3}(\\.[0-9]{1,3}){3})$";

/**
 * Stores a batch of text messages in one statement (one round trip, one commit), or none of them if the
 * statement fails. Each message is stored only if everything a send checks holds for it: the sender is a
 * participant of the conversation, a visitor acts under its device's own identity and is not blocked by the
 * conversation's agent (device, request address, or last-seen address), and (sender, clientMsgId) is not
 * stored yet. A message that fails a check is left out and the others are stored; its entry in the result is
 * null, and the caller's single-message path (sendMessageChecked) then answers it with the reason (NOT_FOUND,
 * FORBIDDEN, BLOCKED, the replay, CONFLICT).
 *
 * Sequences: the conversations are locked in id order (so two batches on two nodes never deadlock), each
 * conversation's lastSeq moves up by the number of its messages in the batch, and those take the numbers in
 * between in arrival order. Checks run before the bump, so a message left out takes no number; an insert
 * that fails (a concurrent retry of the same clientMsgId won the unique index) fails the whole statement and
 * nothing of it is stored: no gaps either way. As in sendMessage, the sender's read cursor moves to its
 * message and a visitor's message reopens the conversation. One statement also behaves on PGlite.
 *
 * Callers must not put the same (sender, clientMsgId) twice into one batch, nor uploads (they take the
 * single-message path).
 *
 * The statement's text is the same whatever the batch (its input comes as arrays), so a caller with a
 * connection of its own can run it as a named prepared statement (`run`): PostgreSQL then plans it once per
 * connection rather than on every batch, which was most of a small batch's time. Without `run`, Prisma runs it.
 */
export async function storeTextMessages(db: Db, items: readonly BatchItem[], run?: RunStatement): Promise<(Message | null)[]> {
  if (!items.length) return [];
  const ids = items.map(() => newMessageId());
  const values = [
    items.map((_, ord) => ord),
    ids,
    items.map(({ input }) => input.conversationId),
    items.map(({ actor }) => actor.deviceId),
    items.map(({ input }) => input.clientMsgId),
    items.map(({ input }) => input.body),
    items.map(({ actor }) => actor.kind === "visitor"),
    items.map(({ actor }) => (actor.kind === "visitor" ? (actor.verified?.userId ?? null) : null)),
    items.map(({ requestIp }) => (requestIp ? normalizeIp(requestIp) : null)),
    MAPPED_IPV4,
    "\\1",
  ];
  const stored = await (run ? run(STORE_BATCH_SQL, values) : db.$queryRawUnsafe<Message[]>(STORE_BATCH_SQL, ...values));
  const byId = new Map(stored.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Runs a statement with its parameters and returns its rows (timestamps read as UTC, as Prisma reads them). */
export type RunStatement = (text: string, values: unknown[]) => Promise<Message[]>;

/** The statement of storeTextMessages. Its parameters: one array per input column, then MAPPED_IPV4 and its replacement. */
export const STORE_BATCH_SQL = `
    WITH input AS (
      SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::boolean[], $8::text[], $9::text[]) AS v("ord", "id", "conversationId", "senderDeviceId", "clientMsgId", "body", "isVisitor", "userId", "ip")),
    eligible AS MATERIALIZED (
      SELECT i.* FROM input i
        JOIN "Conversation" c ON c."id" = i."conversationId" AND i."senderDeviceId" IN (c."visitorDeviceId", c."agentDeviceId")
       WHERE NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."senderDeviceId" = i."senderDeviceId" AND m."clientMsgId" = i."clientMsgId")
         AND (NOT i."isVisitor" OR EXISTS (
               SELECT 1 FROM "Device" d
                WHERE d."id" = i."senderDeviceId" AND d."kind" = 'VISITOR' AND d."externalUserId" IS NOT DISTINCT FROM i."userId"
                  AND NOT EXISTS (
                        SELECT 1 FROM "Block" b JOIN "Agent" a ON a."id" = b."agentId"
                         WHERE a."deviceId" = c."agentDeviceId"
                           AND ((b."kind" = 'DEVICE' AND b."value" = i."senderDeviceId")
                             OR (b."kind" = 'IP' AND b."value" IN (i."ip", regexp_replace(lower(btrim(d."ip")), $10, $11)))))))),
    locked AS MATERIALIZED (
      SELECT c."id" FROM "Conversation" c WHERE c."id" IN (SELECT "conversationId" FROM eligible) ORDER BY c."id" FOR UPDATE),
    counts AS (
      SELECT "conversationId", count(*)::int AS "n", bool_or("isVisitor") AS "reopens" FROM eligible GROUP BY "conversationId"),
    bumped AS (
      UPDATE "Conversation" c
         SET "lastSeq" = c."lastSeq" + k."n", "lastMessageAt" = now(),
             "status" = CASE WHEN k."reopens" THEN 'OPEN'::"ConversationStatus" ELSE c."status" END
        FROM counts k
       WHERE c."id" = k."conversationId" AND c."id" IN (SELECT "id" FROM locked)
      RETURNING c."id", c."lastSeq" - k."n" AS "base", c."lastMessageAt"),
    inserted AS (
      INSERT INTO "Message" ("id", "conversationId", "seq", "senderDeviceId", "clientMsgId", "type", "body", "uploadId", "createdAt")
      SELECT e."id", e."conversationId", (b."base" + row_number() OVER (PARTITION BY e."conversationId" ORDER BY e."ord"))::int,
             e."senderDeviceId", e."clientMsgId", 'TEXT'::"MessageType", e."body", NULL, b."lastMessageAt"
        FROM eligible e JOIN bumped b ON b."id" = e."conversationId"
       -- Every conversation of the batch locked and bumped before the first insert: an insert that waits (on a
       -- concurrent insert of the same sender and clientMsgId) then holds no lock another batch still needs.
       WHERE (SELECT count(*) FROM bumped) > 0
      RETURNING *),
    -- The sender has read up to its own message (GREATEST: another tab's mark-read may be further already).
    "senderRead" AS (
      INSERT INTO "ReadState" ("conversationId", "deviceId", "lastReadSeq", "updatedAt")
      SELECT "conversationId", "senderDeviceId", max("seq"), now() FROM inserted GROUP BY "conversationId", "senderDeviceId"
      ON CONFLICT ("conversationId", "deviceId")
      DO UPDATE SET "lastReadSeq" = GREATEST("ReadState"."lastReadSeq", EXCLUDED."lastReadSeq"), "updatedAt" = now())
    SELECT * FROM inserted`;

import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { conversationIdSchema } from "../ids.ts";
import { findVisibleConversation } from "../conversations/find-visible-conversation.ts";

export const markReadSchema = z.object({ conversationId: conversationIdSchema, seq: z.number().int().min(0).max(2_147_483_647) }); // as afterSeq: docs/protocol.md §16
export type MarkReadInput = z.infer<typeof markReadSchema>;
export type ReadReceipt = { conversationId: string; deviceId: string; lastReadSeq: number; unread: number };

export async function markRead(db: Db, input: MarkReadInput, actor: Actor): Promise<ReadReceipt> {
  const conversation = await findVisibleConversation(db, input.conversationId, actor);
  const seq = Math.min(input.seq, conversation.lastSeq); // nobody reads a message that does not exist yet
  // The cursor only moves forward: tabs report out of order, and a late "read 3" must not undo "read 7".
  const [state] = await db.$queryRaw<{ lastReadSeq: number }[]>`
    INSERT INTO "ReadState" ("conversationId", "deviceId", "lastReadSeq", "updatedAt")
    VALUES (${conversation.id}, ${actor.deviceId}, ${seq}, now())
    ON CONFLICT ("conversationId", "deviceId")
    DO UPDATE SET "lastReadSeq" = GREATEST("ReadState"."lastReadSeq", EXCLUDED."lastReadSeq"), "updatedAt" = now()
    RETURNING "lastReadSeq"`;
  const lastReadSeq = state?.lastReadSeq ?? seq;
  return { conversationId: conversation.id, deviceId: actor.deviceId, lastReadSeq, unread: Math.max(0, conversation.lastSeq - lastReadSeq) };
}

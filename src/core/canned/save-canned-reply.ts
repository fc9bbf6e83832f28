import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { cannedOwnerOf, cannedReplyIdSchema, cannedReplySelect, MAX_CANNED_BODY_LENGTH, MAX_CANNED_REPLIES, type CannedReply } from "./canned-reply.ts";

export const saveCannedReplySchema = z
  .object({
    id: cannedReplyIdSchema.optional(),
    // Typed after a "/" in the message box: one lowercase word, so "/Refund" and "/refund" are the same reply.
    shortcut: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9_-]{1,32}$/, "must be 1 to 32 letters, digits, _ or -"),
    // Counted in UTF-16 units like a message body (zod's max() counts code points).
    body: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .refine((body) => body.length <= MAX_CANNED_BODY_LENGTH, `must be at most ${MAX_CANNED_BODY_LENGTH} characters`)
      .refine((body) => !body.includes("\0"), "must not contain NUL (U+0000) characters"),
  });
export type SaveCannedReplyInput = z.infer<typeof saveCannedReplySchema>;

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "P2002";
const shortcutTaken = (shortcut: string, cause?: unknown) => new ChatError("CONFLICT", `another saved reply already uses /${shortcut}`, { cause });

/** Creates a saved reply, or with `id` changes one of the agent's own. A shortcut the agent already uses is CONFLICT. */
export async function saveCannedReply(db: Db, input: SaveCannedReplyInput, actor: Actor): Promise<CannedReply> {
  const agentId = cannedOwnerOf(actor);
  const data = { shortcut: input.shortcut, body: input.body };
  try {
    if (input.id) {
      // Scoped to the agent: another agent's reply ID is as missing as an unknown one.
      const { count } = await db.cannedReply.updateMany({ where: { id: input.id, agentId }, data });
      if (count === 0) throw new ChatError("NOT_FOUND", "saved reply not found");
      return await db.cannedReply.findUniqueOrThrow({ where: { id: input.id }, select: cannedReplySelect });
    }
    // Counted before the insert; two concurrent saves at 199 may both pass, which only costs a row over the cap.
    if ((await db.cannedReply.count({ where: { agentId } })) >= MAX_CANNED_REPLIES) {
      throw new ChatError("CONFLICT", `at most ${MAX_CANNED_REPLIES} saved replies: delete one first`);
    }
    return await db.cannedReply.create({ data: { ...data, agentId }, select: cannedReplySelect });
  } catch (err) {
    // The unique index (agentId, shortcut) decides, so two tabs saving the same shortcut at once cannot both win.
    if (isUniqueViolation(err)) throw shortcutTaken(input.shortcut, err);
    throw err;
  }
}

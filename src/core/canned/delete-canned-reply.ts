import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { cannedOwnerOf, cannedReplyIdSchema } from "./canned-reply.ts";

export const deleteCannedReplySchema = z.object({ id: cannedReplyIdSchema });

/** Deletes one of the agent's saved replies; another agent's, or an unknown one, is NOT_FOUND. */
export async function deleteCannedReply(db: Db, { id }: z.infer<typeof deleteCannedReplySchema>, actor: Actor): Promise<{ id: string }> {
  const { count } = await db.cannedReply.deleteMany({ where: { id, agentId: cannedOwnerOf(actor) } });
  if (count === 0) throw new ChatError("NOT_FOUND", "saved reply not found");
  return { id };
}

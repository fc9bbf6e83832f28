import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { cannedOwnerOf, cannedReplySelect, type CannedReply } from "./canned-reply.ts";

/** The agent's saved replies, by shortcut (at most MAX_CANNED_REPLIES, so no paging). */
export async function listCannedReplies(db: Db, actor: Actor): Promise<CannedReply[]> {
  return db.cannedReply.findMany({ where: { agentId: cannedOwnerOf(actor) }, orderBy: { shortcut: "asc" }, select: cannedReplySelect });
}

import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { conversationIdSchema } from "../ids.ts";
import { findVisibleConversation } from "../conversations/find-visible-conversation.ts";
import { messageInclude, toMessageView, type MessageView } from "./message-view.ts";

export const HISTORY_PAGE_MAX = 200;
export const messageHistorySchema = z.object({
  conversationId: conversationIdSchema,
  // seq is a 32-bit column: a larger number is bad input, not a server error. 1 is the smallest useful bound (nothing is before seq 1).
  beforeSeq: z.number().int().min(1).max(2_147_483_647).optional(),
  limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).default(50),
});
export type MessageHistoryInput = z.input<typeof messageHistorySchema>;
/** Messages before `beforeSeq`, oldest first; `hasMore`: older ones remain. */
export type HistoryPage = { messages: MessageView[]; hasMore: boolean };

/**
 * Paging upward through a conversation: the `limit` messages just before `beforeSeq` (without it, the newest
 * ones), returned oldest first so a client prepends them as they are. Same visibility as sync.
 */
export async function loadHistoryPage(db: Db, input: z.infer<typeof messageHistorySchema>, actor: Actor): Promise<HistoryPage> {
  const conversation = await findVisibleConversation(db, input.conversationId, actor);
  const rows = await db.message.findMany({
    where: { conversationId: conversation.id, ...(input.beforeSeq !== undefined && { seq: { lt: input.beforeSeq } }) },
    orderBy: { seq: "desc" }, // the (conversationId, seq) unique index serves this backwards: no sort, however long the history
    take: input.limit + 1, // one extra row tells whether an older page follows
    include: messageInclude,
  });
  const page = rows.slice(0, input.limit).reverse();
  return { messages: page.map(toMessageView), hasMore: rows.length > input.limit };
}

import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { conversationIdSchema } from "../ids.ts";
import { findVisibleConversation } from "../conversations/find-visible-conversation.ts";
import { messageInclude, toMessageView, type MessageView } from "./message-view.ts";

export const SYNC_PAGE_MAX = 200;
export const syncMessagesSchema = z.object({
  conversationId: conversationIdSchema,
  afterSeq: z.number().int().min(0).max(2_147_483_647), // seq is a 32-bit column: a larger number is bad input, not a server error
  limit: z.number().int().min(1).max(SYNC_PAGE_MAX).default(100),
});
export type SyncMessagesInput = z.input<typeof syncMessagesSchema>;
export type SyncPage = { messages: MessageView[]; hasMore: boolean; lastSeq: number };

/** Messages after `afterSeq`, oldest first, one page at a time (gim's sync with has_more). */
export async function syncMessages(db: Db, input: z.infer<typeof syncMessagesSchema>, actor: Actor): Promise<SyncPage> {
  const conversation = await findVisibleConversation(db, input.conversationId, actor);
  const rows = await db.message.findMany({
    where: { conversationId: conversation.id, seq: { gt: input.afterSeq } },
    orderBy: { seq: "asc" },
    take: input.limit + 1, // one extra row tells whether another page follows
    include: messageInclude,
  });
  const page = rows.slice(0, input.limit);
  return { messages: page.map(toMessageView), hasMore: rows.length > input.limit, lastSeq: conversation.lastSeq };
}

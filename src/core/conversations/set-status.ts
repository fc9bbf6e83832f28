import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { conversationIdSchema, type ConversationId } from "../ids.ts";
import { findVisibleConversation } from "./find-visible-conversation.ts";

export const setStatusSchema = z.object({ conversationId: conversationIdSchema });
export type ConversationStatusChange = { conversationId: ConversationId; status: "open" | "resolved" };

/** Resolve or reopen: agents only. A visitor's next message reopens a resolved conversation on its own (send-message.ts). */
export async function setConversationStatus(
  db: Db,
  conversationId: ConversationId,
  status: "open" | "resolved",
  actor: Actor,
): Promise<ConversationStatusChange> {
  if (actor.kind !== "agent") throw new ChatError("FORBIDDEN", "only the agent can resolve or reopen a conversation");
  await findVisibleConversation(db, conversationId, actor);
  await db.conversation.update({ where: { id: conversationId }, data: { status: status === "open" ? "OPEN" : "RESOLVED" } });
  return { conversationId, status };
}

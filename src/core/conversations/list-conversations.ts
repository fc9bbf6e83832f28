import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { conversationIdSchema, type ConversationId } from "../ids.ts";
import { findVisibleConversation } from "./find-visible-conversation.ts";
import { summaryInclude, toSummary, type ConversationSummary } from "./conversation-summary.ts";

export const listConversationsSchema = z.object({ limit: z.number().int().min(1).max(500).default(200) }).default({ limit: 200 });
export type ListConversationsInput = z.infer<typeof listConversationsSchema>;

/** The actor's conversations, most recent activity first. An agent's inbox skips rooms nobody has written in yet. */
export async function listConversations(db: Db, { limit }: ListConversationsInput, actor: Actor): Promise<ConversationSummary[]> {
  const where = actor.kind === "agent" ? { agentDeviceId: actor.deviceId, lastSeq: { gt: 0 } } : { visitorDeviceId: actor.deviceId };
  const rows = await db.conversation.findMany({ where, include: summaryInclude, orderBy: { lastMessageAt: "desc" }, take: limit });
  return rows.map((row) => toSummary(row, actor));
}

export const getConversationSchema = z.object({ conversationId: conversationIdSchema });

export async function getConversation(db: Db, conversationId: ConversationId, actor: Actor): Promise<ConversationSummary> {
  await findVisibleConversation(db, conversationId, actor);
  const row = await db.conversation.findUniqueOrThrow({ where: { id: conversationId }, include: summaryInclude });
  return toSummary(row, actor);
}

/** The rooms a device belongs to: joined on connect, so events reach every tab. */
export async function conversationIdsOf(db: Db, actor: Actor): Promise<ConversationId[]> {
  const side = actor.kind === "agent" ? { agentDeviceId: actor.deviceId } : { visitorDeviceId: actor.deviceId };
  const rows = await db.conversation.findMany({ where: side, select: { id: true } });
  return rows.map((row) => row.id);
}

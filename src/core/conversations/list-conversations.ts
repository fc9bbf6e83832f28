import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { conversationIdSchema, type ConversationId, type DeviceId } from "../ids.ts";
import type { Presence } from "../presence/presence.ts";
import { findVisibleConversation } from "./find-visible-conversation.ts";
import { summaryInclude, toSummary, type ConversationSummary } from "./conversation-summary.ts";
import { containsPattern, encodeInboxCursor, inboxCursorSchema } from "./inbox-cursor.ts";

const INBOX_FILTERS = ["all", "open", "resolved", "unread", "online"] as const;

export const listConversationsSchema = z
  .object({
    limit: z.number().int().min(1).max(100).default(50),
    filter: z.enum(INBOX_FILTERS).default("all"),
    query: z.string().trim().max(200).optional(),
    cursor: inboxCursorSchema.optional(),
  })
  .prefault({});
export type ListConversationsInput = z.infer<typeof listConversationsSchema>;

/** `match`: with a query, the newest message of the conversation whose text contains it. */
type ListedConversation = ConversationSummary & { match?: { seq: number; body: string } };
type ConversationPage = { conversations: ListedConversation[]; nextCursor: string | null };

type Row = { id: string; atMs: bigint; matchSeq: number | null; matchBody: string | null };

/**
 * One page of the actor's conversations, most recent activity first (docs/protocol.md §21). An agent's
 * inbox skips rooms nobody has written in yet. `presence` answers the "online" filter: who is connected
 * now is known to the server's presence (in Redis across nodes), not to the database.
 */
export async function listConversations(db: Db, input: ListConversationsInput, actor: Actor, presence: Pick<Presence, "onlineAmong">): Promise<ConversationPage> {
  const isAgent = actor.kind === "agent";
  const ownSide = isAgent ? Prisma.sql`c."agentDeviceId" = ${actor.deviceId} AND c."lastSeq" > 0` : Prisma.sql`c."visitorDeviceId" = ${actor.deviceId}`;
  const peerColumn = isAgent ? Prisma.raw(`c."visitorDeviceId"`) : Prisma.raw(`c."agentDeviceId"`);
  const conditions = [ownSide];

  if (input.filter === "open") conditions.push(Prisma.sql`c.status = 'OPEN'`);
  if (input.filter === "resolved") conditions.push(Prisma.sql`c.status = 'RESOLVED'`);
  if (input.filter === "unread") conditions.push(Prisma.sql`COALESCE(r."lastReadSeq", 0) < c."lastSeq"`);
  if (input.filter === "online") {
    const online = await onlinePeers(db, ownSide, peerColumn, presence);
    if (!online.length) return { conversations: [], nextCursor: null };
    conditions.push(Prisma.sql`${peerColumn} = ANY(${online}::text[])`); // one array parameter, however many are online
  }
  const pattern = input.query ? containsPattern(input.query) : null;
  if (pattern) conditions.push(Prisma.sql`(v.label ILIKE ${pattern} ESCAPE '\\' OR v.name ILIKE ${pattern} ESCAPE '\\' OR v.email ILIKE ${pattern} ESCAPE '\\' OR m.seq IS NOT NULL)`);
  if (input.cursor) {
    const { atMs, id } = input.cursor;
    conditions.push(Prisma.sql`(c."lastMessageAt", c.id) < (timestamp 'epoch' + ${atMs.toString()}::bigint * interval '1 millisecond', ${id})`);
  }

  // The newest matching message, looked up only when there is a query: it both selects the row and becomes its `match`.
  const matchJoin = pattern
    ? Prisma.sql`LEFT JOIN LATERAL (SELECT seq, body FROM "Message" WHERE "conversationId" = c.id AND body ILIKE ${pattern} ESCAPE '\\' ORDER BY seq DESC LIMIT 1) m ON true`
    : Prisma.sql`LEFT JOIN LATERAL (SELECT NULL::int AS seq, NULL::text AS body) m ON true`;
  const rows = await db.$queryRaw<Row[]>`
    SELECT c.id, (extract(epoch FROM c."lastMessageAt") * 1000)::bigint AS "atMs", m.seq AS "matchSeq", m.body AS "matchBody"
    FROM "Conversation" c
    JOIN "Device" v ON v.id = c."visitorDeviceId"
    LEFT JOIN "ReadState" r ON r."conversationId" = c.id AND r."deviceId" = ${actor.deviceId}
    ${matchJoin}
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY c."lastMessageAt" DESC, c.id DESC
    LIMIT ${input.limit + 1}`;

  const page = rows.slice(0, input.limit);
  const full = await db.conversation.findMany({ where: { id: { in: page.map((row) => row.id) } }, include: summaryInclude });
  const byId = new Map(full.map((row) => [row.id, row]));
  const conversations = page.flatMap((row): ListedConversation[] => {
    const found = byId.get(row.id);
    if (!found) return [];
    const summary = toSummary(found, actor);
    return [row.matchSeq === null || row.matchBody === null ? summary : { ...summary, match: { seq: row.matchSeq, body: row.matchBody } }];
  });
  const last = page.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeInboxCursor({ atMs: BigInt(last.atMs), id: last.id }) : null;
  return { conversations, nextCursor };
}

/** The peers of the actor's listed conversations who have a socket now. */
async function onlinePeers(db: Db, ownSide: Prisma.Sql, peerColumn: Prisma.Sql, presence: Pick<Presence, "onlineAmong">): Promise<DeviceId[]> {
  const peers = await db.$queryRaw<{ peer: string }[]>`SELECT DISTINCT ${peerColumn} AS peer FROM "Conversation" c WHERE ${ownSide}`;
  const online = await presence.onlineAmong(peers.map((row) => row.peer));
  return [...online];
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

import type { Conversation, Device } from "../../../generated/prisma/client.ts";
import { messageInclude, toMessageView } from "../../../core/messages/message-view.ts";
import { toGoimMessage } from "../goim-message.ts";
import type { GoimCtx } from "../types.ts";

/** One visitor as golang-im's agent pages list them (/open/finduserlist, /open/finduserinfo). */
export type GoimVisitorEntry = {
  room_id: string;
  user_id: string;
  nickname: string;
  face: string;
  is_online: boolean;
  /** Messages after the agent's read cursor; a visitor the agent never acked counts from zero, so nobody vanishes. */
  unread: number;
  /** The newest message, as a JSON string in an array (golang-im's shape); empty before the first message. */
  last_message: string[];
  remote_addr: string;
  created_at: string;
  user_agent: string;
  referer: string;
};

type Row = Conversation & { visitor: Device };
/** golang-im's time format, "2006-01-02 15:04:05", in UTC. */
export const goimTime = (date: Date): string => date.toISOString().slice(0, 19).replace("T", " ");

export async function visitorEntry(ctx: Pick<GoimCtx, "db" | "presence">, conversations: Row[], agentDeviceId: string, baseUrl: string, online?: Set<string>): Promise<GoimVisitorEntry[]> {
  if (!conversations.length) return [];
  const ids = conversations.map((row) => row.id);
  const [isOnline, readStates, newest] = await Promise.all([
    online ?? ctx.presence.onlineAmong(conversations.map((row) => row.visitorDeviceId)),
    ctx.db.readState.findMany({ where: { deviceId: agentDeviceId, conversationId: { in: ids } } }),
    ctx.db.message.findMany({ where: { conversationId: { in: ids } }, distinct: ["conversationId"], orderBy: [{ conversationId: "asc" }, { seq: "desc" }], include: messageInclude }),
  ]);
  const readSeq = new Map(readStates.map((state) => [state.conversationId, state.lastReadSeq]));
  const last = new Map(newest.map((row) => [row.conversationId, JSON.stringify(toGoimMessage(toMessageView(row), baseUrl))]));
  return conversations.map((row) => ({
    room_id: row.id,
    user_id: row.visitorDeviceId,
    nickname: row.visitor.name ?? row.visitor.label,
    face: "",
    is_online: isOnline.has(row.visitorDeviceId),
    unread: Math.max(0, row.lastSeq - (readSeq.get(row.id) ?? 0)),
    last_message: last.has(row.id) ? [last.get(row.id)!] : [],
    remote_addr: row.visitor.ip ?? "",
    created_at: goimTime(row.visitor.createdAt),
    user_agent: row.visitor.userAgent ?? "",
    referer: row.visitor.referrer ?? "",
  }));
}

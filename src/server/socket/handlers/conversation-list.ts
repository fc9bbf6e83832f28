import { listConversations, listConversationsSchema } from "../../../core/conversations/list-conversations.ts";
import { defineHandler } from "../define-handler.ts";

export const conversationList = defineHandler(listConversationsSchema, async (input, { db, socket, presence }) => {
  const { conversations, nextCursor } = await listConversations(db, input, socket.data.actor, presence);
  const online = await presence.onlineAmong(conversations.map((summary) => summary.peer.deviceId));
  return { conversations: conversations.map((summary) => ({ ...summary, peerOnline: online.has(summary.peer.deviceId) })), nextCursor };
});

import { listConversations, listConversationsSchema } from "../../../core/conversations/list-conversations.ts";
import { defineHandler } from "../define-handler.ts";

export const conversationList = defineHandler(listConversationsSchema, async (input, { db, socket, presence }) => {
  const conversations = await listConversations(db, input, socket.data.actor);
  return { conversations: conversations.map((summary) => ({ ...summary, peerOnline: presence.isOnline(summary.peer.deviceId) })) };
});

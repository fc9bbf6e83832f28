import { getConversation, getConversationSchema } from "../../../core/conversations/list-conversations.ts";
import { defineHandler } from "../define-handler.ts";

export const conversationGet = defineHandler(getConversationSchema, async ({ conversationId }, { db, socket, presence }) => {
  const summary = await getConversation(db, conversationId, socket.data.actor);
  return { conversation: { ...summary, peerOnline: presence.isOnline(summary.peer.deviceId) } };
});

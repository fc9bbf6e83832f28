import { getConversation, getConversationSchema } from "../../../core/conversations/list-conversations.ts";
import { defineHandler } from "../define-handler.ts";

export const conversationGet = defineHandler(getConversationSchema, async ({ conversationId }, { db, socket, presence }) => {
  const summary = await getConversation(db, conversationId, socket.data.actor);
  const online = await presence.onlineAmong([summary.peer.deviceId]);
  return { conversation: { ...summary, peerOnline: online.has(summary.peer.deviceId) } };
});

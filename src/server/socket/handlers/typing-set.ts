import { z } from "zod";
import { isWriterBlocked } from "../../../core/blocks/blocks.ts";
import { findVisibleConversation } from "../../../core/conversations/find-visible-conversation.ts";
import { conversationIdSchema } from "../../../core/ids.ts";
import { defineHandler } from "../define-handler.ts";
import { rooms } from "../rooms.ts";

const typingSchema = z.object({ conversationId: conversationIdSchema, isTyping: z.boolean() });

/**
 * Ephemeral: nothing is stored. The peer clears a "true" on its own after a few seconds, so a lost "false" is harmless.
 * A blocked visitor's typing is acked but not passed on: its window learns it is blocked when it sends, not per keystroke.
 */
export const typingSet = defineHandler(typingSchema, async ({ conversationId, isTyping }, { db, socket, address }) => {
  const { deviceId } = socket.data.actor;
  await findVisibleConversation(db, conversationId, socket.data.actor);
  if (await isWriterBlocked(db, conversationId, socket.data.actor, address)) return { conversationId, isTyping };
  socket.to(rooms.conversation(conversationId)).emit("typing:changed", { conversationId, deviceId, isTyping });
  return { conversationId, isTyping };
});

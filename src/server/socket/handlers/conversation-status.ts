import { setConversationStatus, setStatusSchema } from "../../../core/conversations/set-status.ts";
import { defineHandler } from "../define-handler.ts";
import { rooms } from "../rooms.ts";

const statusHandler = (status: "open" | "resolved") =>
  defineHandler(setStatusSchema, async ({ conversationId }, { db, socket }) => {
    const change = await setConversationStatus(db, conversationId, status, socket.data.actor);
    socket.to(rooms.conversation(change.conversationId)).emit("conversation:updated", change); // the visitor and the agent's other tabs
    return change;
  });

export const conversationResolve = statusHandler("resolved");
export const conversationReopen = statusHandler("open");

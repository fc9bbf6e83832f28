import { loadHistoryPage, messageHistorySchema } from "../../../core/messages/message-history.ts";
import { defineHandler } from "../define-handler.ts";

export const messageHistory = defineHandler(messageHistorySchema, (input, { db, socket }) => loadHistoryPage(db, input, socket.data.actor));

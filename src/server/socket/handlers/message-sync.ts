import { syncMessages, syncMessagesSchema } from "../../../core/messages/sync-messages.ts";
import { defineHandler } from "../define-handler.ts";

export const messageSync = defineHandler(syncMessagesSchema, (input, { db, socket }) => syncMessages(db, input, socket.data.actor));

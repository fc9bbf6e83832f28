import { z } from "zod";
import { deleteCannedReply, deleteCannedReplySchema } from "../../../core/canned/delete-canned-reply.ts";
import { listCannedReplies } from "../../../core/canned/list-canned-replies.ts";
import { saveCannedReply, saveCannedReplySchema } from "../../../core/canned/save-canned-reply.ts";
import { defineHandler } from "../define-handler.ts";

export const cannedList = defineHandler(z.object({}).optional(), async (_input, { db, socket }) => ({ replies: await listCannedReplies(db, socket.data.actor) }));

export const cannedSave = defineHandler(saveCannedReplySchema, async (input, { db, socket }) => ({ reply: await saveCannedReply(db, input, socket.data.actor) }));

export const cannedDelete = defineHandler(deleteCannedReplySchema, (input, { db, socket }) => deleteCannedReply(db, input, socket.data.actor));

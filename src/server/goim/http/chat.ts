import type { IncomingMessage, ServerResponse } from "node:http";
import multer from "multer";
import { z } from "zod";
import type { Actor } from "../../../core/actor.ts";
import { addIpBlock, assertNotBlocked, listIpBlocks, removeIpBlock } from "../../../core/blocks/blocks.ts";
import { findVisibleConversation } from "../../../core/conversations/find-visible-conversation.ts";
import { ChatError } from "../../../core/errors.ts";
import { conversationIdSchema } from "../../../core/ids.ts";
import { messageInclude, toMessageView } from "../../../core/messages/message-view.ts";
import { createUpload } from "../../../core/uploads/create-upload.ts";
import type { FileStore } from "../../../core/uploads/file-store.ts";
import { clientAddress } from "../../http/client-address.ts";
import { goimActor } from "../goim-actor.ts";
import { toGoimMessage } from "../goim-message.ts";
import { goimSend } from "../goim-send.ts";
import type { HttpCtx } from "./accounts.ts";
import { findShop } from "../new-visitor.ts";
import { baseUrlOf, okEnvelope, pageOf, parseFields, queryOf, readFields, tokenOf, type Envelope } from "./request.ts";
import { goimTime, visitorEntry } from "./visitor-entry.ts";

const actorOf = (req: IncomingMessage, ctx: HttpCtx): Promise<Actor> => goimActor(ctx.db, ctx.config.AUTH_SECRET, tokenOf(req));

async function agentOf(req: IncomingMessage, ctx: HttpCtx): Promise<Extract<Actor, { kind: "agent" }>> {
  const actor = await actorOf(req, ctx);
  if (actor.kind !== "agent") throw new ChatError("FORBIDDEN", "only an agent (a token from /auth/login) may do this");
  return actor;
}

/** A shop_id, when given, must be the caller's own: an agent sees only its own visitors and blacklist. */
async function assertOwnShop(ctx: HttpCtx, actor: Extract<Actor, { kind: "agent" }>, shopId: string | undefined): Promise<string> {
  if (!shopId) return actor.agentId;
  const shop = await findShop(ctx.db, shopId).catch(() => null);
  if (shop?.deviceId !== actor.deviceId) throw new ChatError("FORBIDDEN", "shop_id is not the signed-in agent's");
  return shop.id;
}

const pushSchema = z.object({
  room_id: conversationIdSchema,
  type: z.enum(["text", "image"]).default("text"),
  msg: z.string().min(1, "msg is required"),
  user_id: z.string().optional(),
  shop_id: z.string().optional(),
  client_msg_id: z.uuid().optional(),
});

/** /open/push: stores the message as the token's user and pushes it to the room (op 5, and message:sent). */
export async function push(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const actor = await actorOf(req, ctx);
  const input = parseFields(pushSchema, await readFields(req));
  // golang-im believed user_id; Parley sends as the token's owner, and a user_id naming someone else is refused.
  if (input.user_id && input.user_id !== actor.deviceId) throw new ChatError("FORBIDDEN", "user_id is not the token's user");
  const message = await goimSend(ctx, actor, input, clientAddress(req, ctx.config.TRUST_PROXY));
  return okEnvelope(toGoimMessage(message, baseUrlOf(req, ctx.config)));
}

/** The most conversations one /open/finduserlist sorts by presence; an agent with more sees the most recent ones. */
const LIST_SCAN_LIMIT = 5000;

/** /open/finduserlist: the agent's visitors, online ones first; any typ but `offline` (or none) lists only those online now, as golang-im did. */
export async function findUserList(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const actor = await agentOf(req, ctx);
  const fields = await readFields(req);
  const { shop_id, typ } = parseFields(z.object({ shop_id: z.string().optional(), typ: z.string().optional() }), fields);
  await assertOwnShop(ctx, actor, shop_id);
  const { page, limit } = pageOf(req, fields);
  const rows = await ctx.db.conversation.findMany({ where: { agentDeviceId: actor.deviceId }, orderBy: { lastMessageAt: "desc" }, take: LIST_SCAN_LIMIT, include: { visitor: true } });
  const online = await ctx.presence.onlineAmong(rows.map((row) => row.visitorDeviceId));
  const wanted = typ === "offline" ? rows : rows.filter((row) => online.has(row.visitorDeviceId));
  const sorted = [...wanted.filter((row) => online.has(row.visitorDeviceId)), ...wanted.filter((row) => !online.has(row.visitorDeviceId))];
  const list = await visitorEntry(ctx, sorted.slice((page - 1) * limit, page * limit), actor.deviceId, baseUrlOf(req, ctx.config), online);
  return okEnvelope({ total: wanted.length, limit, page, list });
}

/** /open/listmsg: a room's messages, newest first, a page at a time. */
export async function listMessages(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const actor = await actorOf(req, ctx);
  const fields = await readFields(req);
  const { room_id } = parseFields(z.object({ room_id: conversationIdSchema }), fields);
  const conversation = await findVisibleConversation(ctx.db, room_id, actor);
  const { page, limit } = pageOf(req, fields);
  const rows = await ctx.db.message.findMany({ where: { conversationId: conversation.id }, orderBy: { seq: "desc" }, skip: (page - 1) * limit, take: limit, include: messageInclude });
  const base = baseUrlOf(req, ctx.config);
  return okEnvelope({ total: conversation.lastSeq, limit, page, list: rows.map((row) => toGoimMessage(toMessageView(row), base)) });
}

const UPLOAD_FIELDS = new Set(["Filedata", "filename", "file"]); // golang-im's picker sends Filedata, its paste handler filename

/** /upload/file: stores an image or PDF in the caller's room; `filename` (also at the top level, where golang-im's page reads it) is its URL. */
export async function uploadFile(req: IncomingMessage, res: ServerResponse, ctx: HttpCtx & { store: FileStore }): Promise<Envelope> {
  const actor = await actorOf(req, ctx);
  await ctx.limits.enforce("uploads", actor.deviceId);
  const { fields, file } = await readUpload(req, res, ctx.config.UPLOAD_MAX_BYTES);
  const roomId = queryOf(req).get("room_id") ?? fields.room_id;
  const conversationId = roomId ? roomId : await latestRoomOf(ctx, actor);
  if (!file) throw new ChatError("BAD_INPUT", "send multipart/form-data with the file in a field named Filedata");
  await assertNotBlocked(ctx.db, conversationId, actor, clientAddress(req, ctx.config.TRUST_PROXY));
  const upload = await createUpload(ctx.db, ctx.store, { conversationId, bytes: file.buffer, clientName: file.originalname }, actor);
  const url = `${baseUrlOf(req, ctx.config)}${upload.url}`;
  return okEnvelope({ ...upload, url, filename: url }, { filename: url });
}

/** Without a room_id, a visitor's upload goes to its conversation (golang-im's visitor page has one); an agent must say which. */
async function latestRoomOf(ctx: HttpCtx, actor: Actor): Promise<string> {
  if (actor.kind === "agent") throw new ChatError("BAD_INPUT", "room_id is required");
  const conversation = await ctx.db.conversation.findFirst({ where: { visitorDeviceId: actor.deviceId }, orderBy: { lastMessageAt: "desc" }, select: { id: true } });
  if (!conversation) throw new ChatError("NOT_FOUND", "no conversation to upload into");
  return conversation.id;
}

type Upload = { fields: Record<string, string>; file: Express.Multer.File | undefined };

function readUpload(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<Upload> {
  const request = req as IncomingMessage & { body?: Record<string, unknown>; files?: Express.Multer.File[] };
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { files: 1, fields: 8, parts: 9, fieldNameSize: 100, fieldSize: 1024, headerPairs: 50, fileSize: maxBytes },
    defParamCharset: "utf8",
    fileFilter: (_req, file, accept) => accept(null, UPLOAD_FIELDS.has(file.fieldname)),
  }).any();
  return new Promise((resolve, reject) => {
    parse(request as never, res as never, (err: unknown) => {
      if (!err) return resolve({ fields: Object.fromEntries(Object.entries(request.body ?? {}).map(([key, value]) => [key, String(value)])), file: request.files?.[0] });
      if (err instanceof multer.MulterError && err.code === "LIMIT_FILE_SIZE") return reject(new ChatError("PAYLOAD_TOO_LARGE", `the file is larger than ${maxBytes} bytes`));
      reject(new ChatError("BAD_INPUT", `bad multipart body: ${(err as Error).message}`, { cause: err }));
    });
  });
}

const ipSchema = z.object({ shop_id: z.string().optional(), ip: z.string().trim().min(1, "ip is required") });

/**
 * /open/listIpblack: the agent's blocked addresses, newest first, a page at a time, in golang-im's page shape:
 * `list` holds the addresses as plain strings (golang-im's agent page shows `list[i]` as the address).
 * Parley adds `blocks`, the same page with each block's visitor and time.
 */
export async function listIpBlack(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const actor = await agentOf(req, ctx);
  const fields = await readFields(req);
  const { shop_id } = parseFields(z.object({ shop_id: z.string().optional() }), fields);
  const agentId = await assertOwnShop(ctx, actor, shop_id);
  const { page, limit } = pageOf(req, fields);
  const all = await listIpBlocks(ctx.db, agentId);
  const shown = all.slice((page - 1) * limit, page * limit);
  const blocks = shown.map((block) => ({ ip: block.ip, user_id: block.deviceId ?? "", created_at: goimTime(new Date(block.createdAt)) }));
  return okEnvelope({ total: all.length, limit, page, list: shown.map((block) => block.ip), blocks });
}

/** /open/addIpblack: from now on that address can neither chat nor open a conversation with this agent, on either protocol. */
export async function addIpBlack(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const actor = await agentOf(req, ctx);
  const { shop_id, ip } = parseFields(ipSchema, await readFields(req));
  await addIpBlock(ctx.db, await assertOwnShop(ctx, actor, shop_id), ip);
  return okEnvelope(null);
}

export async function delIpBlack(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const actor = await agentOf(req, ctx);
  const { shop_id, ip } = parseFields(ipSchema, await readFields(req));
  await removeIpBlock(ctx.db, await assertOwnShop(ctx, actor, shop_id), ip);
  return okEnvelope(null);
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Actor } from "../../../core/actor.ts";
import { registerUsernameAgent, registerUsernameAgentSchema, usernameCredentialsSchema, verifyUsernameCredentials } from "../../../core/agents/username-agent.ts";
import type { Db } from "../../../core/db.ts";
import { ChatError } from "../../../core/errors.ts";
import { avatarUrlOf } from "../../../core/identity/agent-settings.ts";
import { deviceIdSchema } from "../../../core/ids.ts";
import { createAgentSession, revokeAgentSession } from "../../../core/sessions/agent-session.ts";
import { clientAddress } from "../../http/client-address.ts";
import { checkSignInAllowed, signInSucceeded } from "../../limits/sign-in-limits.ts";
import { goimActor } from "../goim-actor.ts";
import { findShop, newGoimVisitor, type Shop } from "../new-visitor.ts";
import type { GoimDeps } from "../types.ts";
import { baseUrlOf, okEnvelope, parseFields, readFields, sendRedirect, tokenOf, type Envelope } from "./request.ts";
import { goimTime, visitorEntry } from "./visitor-entry.ts";

export type HttpCtx = GoimDeps;

/** The user object golang-im's pages keep and send back as the op 7 auth body. All values are strings. */
type GoimUser = {
  user_id: string;
  nickname: string;
  face: string;
  device_id: string;
  room_id: string;
  shop_id: string;
  shop_name: string;
  shop_face: string;
  platform: "web";
  suburl: string;
  pushurl: string;
  remote_addr: string;
  referer: string;
  user_agent: string;
  created_at: string;
  token: string;
};


function userObject(req: IncomingMessage, ctx: HttpCtx, shop: Shop, fields: Omit<GoimUser, "shop_id" | "shop_name" | "shop_face" | "platform" | "suburl" | "pushurl" | "remote_addr" | "referer" | "user_agent" | "created_at"> & { created_at?: Date }): GoimUser {
  const base = baseUrlOf(req, ctx.config);
  const avatar = avatarUrlOf(shop);
  return {
    ...fields,
    shop_id: shop.deviceId,
    shop_name: shop.name,
    shop_face: avatar ? `${base}${avatar}` : "",
    platform: "web",
    suburl: `${base.replace(/^http/, "ws")}/ws`,
    pushurl: `${base}/open/push`,
    remote_addr: clientAddress(req, ctx.config.TRUST_PROXY) ?? "",
    referer: String(req.headers.referer ?? ""),
    user_agent: String(req.headers["user-agent"] ?? ""),
    created_at: goimTime(fields.created_at ?? new Date()),
  };
}

/** /open/adduser: a new visitor of the shop, with its conversation (the room) and a visitor token. */
export async function addUser(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const { shop_id } = parseFields(z.object({ shop_id: z.string().trim().min(1, "shop_id is required") }), await readFields(req));
  const meta = { ip: clientAddress(req, ctx.config.TRUST_PROXY), userAgent: req.headers["user-agent"], referer: req.headers.referer };
  const { shop, session } = await newGoimVisitor(ctx, shop_id, meta);
  const { deviceId, label } = session.visitor;
  return okEnvelope(userObject(req, ctx, shop, { user_id: deviceId, nickname: label, face: "", device_id: deviceId, room_id: session.conversationId, token: session.token }));
}

/** /auth/register: an ordinary Parley agent who signs in by name. */
export async function register(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const input = parseFields(registerUsernameAgentSchema, await readFields(req));
  const ip = clientAddress(req, ctx.config.TRUST_PROXY);
  if (ip) await ctx.limits.enforce("signUp", ip);
  const agent = await registerUsernameAgent(ctx.db, input);
  ctx.log.info({ agentId: agent.id }, "agent registered through /auth/register");
  return okEnvelope({ shop_id: agent.deviceId, nickname: agent.username });
}

/** /auth/login: the agent's user object (user_id = shop_id), whose token is a Parley session. */
export async function login(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const input = parseFields(usernameCredentialsSchema, await readFields(req));
  const ip = clientAddress(req, ctx.config.TRUST_PROXY);
  const accountKey = `username:${input.nickname}`;
  const waitMs = await checkSignInAllowed(ctx.limits, accountKey, ip);
  if (waitMs > 0) throw new ChatError("RATE_LIMITED", "too many sign-in attempts; try again later", { retryAfterMs: waitMs });
  const agent = await verifyUsernameCredentials(ctx.db, input);
  if (!agent) throw new ChatError("UNAUTHENTICATED", "wrong nickname or password");
  await signInSucceeded(ctx.limits, accountKey);
  const token = await createAgentSession(ctx.db, agent.id);
  const shop = await findShop(ctx.db, agent.deviceId);
  return okEnvelope(userObject(req, ctx, shop, { user_id: agent.deviceId, nickname: agent.username, face: shop.avatarKey ? `${baseUrlOf(req, ctx.config)}${avatarUrlOf(shop)}` : "", device_id: agent.deviceId, room_id: "", token }));
}

/** /auth/logout: ends the agent's session (its goim and Socket.IO connections go at once), then to the sign-in page. */
export async function logout(req: IncomingMessage, res: ServerResponse, ctx: HttpCtx): Promise<void> {
  const token = (() => {
    try {
      return tokenOf(req);
    } catch {
      return undefined; // nothing to end: still off to the sign-in page
    }
  })();
  if (token && !token.includes(".")) await revokeAgentSession(ctx.db, token);
  sendRedirect(res, "/admin/sign-in");
}

/** /open/finduserinfo: one visitor, for their agent (or the visitor themselves). golang-im answered anyone; Parley asks for a token. */
export async function findUserInfo(req: IncomingMessage, ctx: HttpCtx): Promise<Envelope> {
  const actor = await goimActor(ctx.db, ctx.config.AUTH_SECRET, tokenOf(req));
  const { user_id } = parseFields(z.object({ user_id: deviceIdSchema }), await readFields(req));
  const conversation = await visitorConversation(ctx.db, actor, user_id);
  const [entry] = await visitorEntry(ctx, [conversation], actor.kind === "agent" ? actor.deviceId : conversation.agentDeviceId, baseUrlOf(req, ctx.config));
  return okEnvelope(entry);
}

async function visitorConversation(db: Db, actor: Actor, visitorDeviceId: string) {
  const where = actor.kind === "agent" ? { visitorDeviceId, agentDeviceId: actor.deviceId } : { visitorDeviceId: actor.deviceId };
  const conversation = actor.kind === "visitor" && visitorDeviceId !== actor.deviceId ? null : await db.conversation.findFirst({ where, orderBy: { lastMessageAt: "desc" }, include: { visitor: true } });
  if (!conversation) throw new ChatError("NOT_FOUND", "no such user");
  return conversation;
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../../config.ts";
import type { Db } from "../../core/db.ts";
import type { Presence } from "../../core/presence/presence.ts";
import { profilesForItsAgents } from "../../core/visitors/get-visitor-profile.ts";
import { identifyVisitor, identifyVisitorSchema } from "../../core/visitors/identify-visitor.ts";
import type { Limits } from "../limits/limits.ts";
import type { Logger } from "../log.ts";
import { rooms } from "../socket/rooms.ts";
import type { ChatServer } from "../socket/types.ts";
import { clientAddress } from "./client-address.ts";
import { readJson, respond } from "./respond.ts";

type Deps = { db: Db; io: ChatServer; config: Config; limits: Limits; presence: Presence; log: Logger };

/**
 * POST /api/visitors: the visitor window's first call, and how it renews an expired token; returns its
 * device ID, a fresh token and its conversation. Refuses pages outside the agent's allowed origins and
 * user IDs without a valid hash (403). Also answers what GET /api/widget/:agentId does (the agent's avatar, the
 * widget's settings, whether the agent is online), so the window needs one request to draw itself.
 */
export function visitors(req: IncomingMessage, res: ServerResponse, { db, io, config, limits, presence, log }: Deps): Promise<void> {
  return respond(res, log, async () => {
    const input = await readJson(req, identifyVisitorSchema);
    const meta = { userAgent: req.headers["user-agent"], ip: clientAddress(req, config.TRUST_PROXY) };
    const tokens = { secret: config.AUTH_SECRET, ttlSeconds: config.VISITOR_TOKEN_TTL_SECONDS, renewSeconds: config.VISITOR_TOKEN_RENEW_SECONDS };
    // Only a request that makes a new anonymous visitor (a device and a conversation) counts against its address.
    const beforeNewVisitor = async () => (meta.ip ? limits.enforce("visitors", meta.ip) : undefined);
    const session = await identifyVisitor(db, input, meta, tokens, { beforeNewVisitor });
    if (session.isNewConversation) {
      // Both sides' open tabs join the new room now, so its first message reaches them live.
      const room = rooms.conversation(session.conversationId);
      io.in([rooms.device(session.agent.deviceId), rooms.device(session.visitor.deviceId)]).socketsJoin(room);
      log.info({ conversationId: session.conversationId }, "conversation opened");
    }
    if (session.isProfileChanged) {
      // A visitor on a new page (or in a new time zone or language): open visitor panels follow it live.
      for (const { agentDeviceId, visitor } of await profilesForItsAgents(db, presence, session.visitor.deviceId)) io.to(rooms.device(agentDeviceId)).emit("visitor:updated", visitor);
    }
    const { isNewConversation: _new, isProfileChanged: _changed, ...reply } = session;
    const online = (await presence.onlineAmong([session.agent.deviceId])).has(session.agent.deviceId);
    return { ...reply, online };
  });
}

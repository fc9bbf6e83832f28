import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../../config.ts";
import type { Db } from "../../core/db.ts";
import { identifyVisitor, identifyVisitorSchema } from "../../core/visitors/identify-visitor.ts";
import type { Logger } from "../log.ts";
import { rooms } from "../socket/rooms.ts";
import type { ChatServer } from "../socket/types.ts";
import { readJson, respond } from "./respond.ts";

type Deps = { db: Db; io: ChatServer; config: Config; log: Logger };

/** POST /api/visitors: the visitor window's first call; returns its device ID, a fresh token and its conversation. */
export function visitors(req: IncomingMessage, res: ServerResponse, { db, io, config, log }: Deps): Promise<void> {
  return respond(res, log, async () => {
    const input = await readJson(req, identifyVisitorSchema);
    const meta = { userAgent: req.headers["user-agent"], ip: clientAddress(req, config.TRUST_PROXY) };
    const session = await identifyVisitor(db, input, meta, { secret: config.AUTH_SECRET, ttlSeconds: config.VISITOR_TOKEN_TTL_SECONDS });
    if (session.isNewConversation) {
      // Both sides' open tabs join the new room now, so its first message reaches them live.
      const room = rooms.conversation(session.conversationId);
      io.in([rooms.device(session.agent.deviceId), rooms.device(session.visitor.deviceId)]).socketsJoin(room);
      log.info({ conversationId: session.conversationId }, "conversation opened");
    }
    const { isNewConversation: _new, ...reply } = session;
    return reply;
  });
}

/** The visitor's address: the connection's, or behind a trusted balancer the first hop it reports. */
function clientAddress(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = req.headers["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  // Only when told: anyone can send the header, and believing it from a direct client would let it pick its own IP.
  return trustProxy && first ? first : req.socket.remoteAddress;
}

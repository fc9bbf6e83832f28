import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";
import type { Config } from "../config.ts";
import type { Db } from "../core/db.ts";
import { conversationIdsOf } from "../core/conversations/list-conversations.ts";
import { ChatError } from "../core/errors.ts";
import type { Presence } from "../core/presence/presence.ts";
import type { FileStore } from "../core/uploads/file-store.ts";
import { PresenceTracker } from "../core/presence/presence-tracker.ts";
import { onSessionRevoked } from "../core/sessions/agent-session.ts";
import { recordVisitorAddress } from "../core/visitors/record-address.ts";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "./http/client-address.ts";
import { restrictFraming } from "./http/frame-ancestors.ts";
import { health } from "./http/health.ts";
import { sendJson } from "./http/respond.ts";
import { getUpload, postUpload, type UploadDeps } from "./http/uploads.ts";
import { deleteAvatar, getAvatar, postAvatar } from "./http/agent-avatar.ts";
import { mountGoim, type Goim } from "./goim/index.ts";
import { Inflight } from "./inflight.ts";
import { createLimits, type Limits } from "./limits/limits.ts";
import { visitors } from "./http/visitors.ts";
import { widgetConfig } from "./http/widget-config.ts";
import { MessageBatcher, useBatcher } from "./message-batcher.ts";
import type { Logger } from "./log.ts";
import type { RedisLink } from "./redis/redis-link.ts";
import { toWireError } from "./reply.ts";
import { authenticate } from "./socket/authenticate.ts";
import { trackPresence } from "./socket/presence.ts";
import { rooms } from "./socket/rooms.ts";
import { startSessionRecheck } from "./socket/session-recheck.ts";
import { DiskFileStore } from "./storage/disk-file-store.ts";
import { SOCKET_HANDLERS } from "./socket/event-handlers.ts";
import type { ChatServer, SocketCtx } from "./socket/types.ts";

export const SOCKET_PATH = "/socket.io/";
const UPLOAD_PATH = /^\/api\/uploads\/([^/]+)(\/thumbnail)?\/?$/;
const AVATAR_PATH = /^\/api\/agents\/([^/]+)\/avatar\/?$/;
const WIDGET_PATH = /^\/api\/widget\/([^/]*)\/?$/;

export type Next = {
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;
};
/**
 * `redis` set: rooms, broadcasts, presence and rate limits span every node (with `presence` from createRedisPresence).
 * `store`: where uploads live; by default files in UPLOADS_DIR.
 * `limits`: the rate limits; by default from config, in Redis when `redis` is set.
 */
export type AppDeps = { config: Config; db: Db; log: Logger; next?: Next; redis?: RedisLink; presence?: Presence; store?: FileStore; limits?: Limits };
export type App = { io: ChatServer; limits: Limits; goim: Goim; close: () => Promise<void> };

/** Mounts Parley on an HTTP server: its own HTTP routes, Socket.IO, and Next.js for everything else. */
export function createApp(httpServer: HttpServer, { config, db, log, next, redis, presence = new PresenceTracker(), store = new DiskFileStore(config.UPLOADS_DIR), limits = createLimits(config, redis?.client) }: AppDeps): App {
  const inflight = new Inflight();
  const uploads: Omit<UploadDeps, "log"> = { db, store, config, limits };
  const isCongested = () => redis?.isCongested() ?? false;
  let isShuttingDown = false;
  // destroyUpgrade off: upgrades on other paths (Next's hot reload in development) are ours to route below.
  const io: ChatServer = new Server(httpServer, { path: SOCKET_PATH, maxHttpBufferSize: config.SOCKET_MAX_PAYLOAD_BYTES, destroyUpgrade: false, serveClient: false });
  if (redis) io.adapter(redis.adapter);

  io.use((socket, done) => {
    // One error shape for every refusal, as in acks: the client reads err.data.code (and retriable).
    const refuse = (err: unknown) => {
      const error = toWireError(err, log);
      done(Object.assign(new Error(error.message), { data: error }));
    };
    // A node on its way down takes no new sockets; the client retries and the balancer sends it elsewhere.
    if (isShuttingDown) return refuse(new ChatError("UNAVAILABLE", "server is shutting down"));
    const { token, page } = socket.handshake.auth;
    authenticate({ token, page, cookie: socket.handshake.headers.cookie }, db, config.AUTH_SECRET)
      .then(async (actor) => {
        socket.data.actor = actor;
        // Joined before "connect" reaches the client, so a client's "connect" means "ready for events".
        socket.join([rooms.device(actor.deviceId), ...(await conversationIdsOf(db, actor)).map(rooms.conversation)]);
        if (actor.kind === "agent") socket.join(rooms.session(actor.sessionToken));
        if (actor.kind === "visitor" && actor.verified) socket.join(rooms.verifiedVisitors(actor.verified.agentDeviceId));
        if (actor.kind === "visitor") await recordVisitorAddress(db, actor.deviceId, clientAddress(socket.request, config.TRUST_PROXY));
        done();
      })
      .catch(refuse);
  });

  io.on("connection", (socket) => {
    const ctx: SocketCtx = { io, socket, db, presence, limits, inflight, isCongested, isShuttingDown: () => isShuttingDown, address: clientAddress(socket.request, config.TRUST_PROXY), log: log.child({ socketId: socket.id, deviceId: socket.data.actor.deviceId }) };
    ctx.log.debug({ kind: socket.data.actor.kind }, "socket connected");
    trackPresence(ctx, config);
    // One listener for every event, not one per event: 18 listeners cost an idle socket about 2.5 KB.
    socket.onAny((event: string, ...args: unknown[]) => void SOCKET_HANDLERS.get(event)?.(ctx)(...args));
  });

  // message:send's group commit, with connections of its own (one per writer) on which its statement is
  // prepared once. DATABASE_URL: the configured one, or the embedded database's that the boot published
  // (publishConfig); the embedded database runs one statement at a time, so it gets one writer.
  const lanes = config.DATABASE_URL ? config.MESSAGE_WRITERS : 1;
  const batcher = useBatcher(db, new MessageBatcher(db, { lanes, log, connectionString: config.DATABASE_URL ?? process.env.DATABASE_URL }));

  // golang-im's protocol and HTTP API (goim frames over /ws and GOIM_TCP_PORT): docs/golang-im.md
  const goim = mountGoim(httpServer, { io, db, log, config, presence, limits, store, inflight, isCongested });

  // Signing out (in the Next.js half) deletes the session row; its sockets go at once, not at their next request.
  const stopListening = onSessionRevoked((sessionToken) => io.in(rooms.session(sessionToken)).disconnectSockets(true));
  // Sessions that end without a sign-out (expired, or deleted in the database) are caught by a periodic check.
  const stopRecheck = startSessionRecheck(io, db, log, config.AGENT_SESSION_RECHECK_MS);

  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const requestLog = log.child({ reqId: randomUUID() });
    route(req, res, requestLog).catch((err: unknown) => {
      requestLog.error({ err, url: req.url }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: "INTERNAL", message: "Something went wrong" } });
      else res.destroy();
    });
  });
  httpServer.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url?.startsWith(SOCKET_PATH)) return; // Socket.IO's own listener takes it
    if (goim.handleUpgrade(req, socket, head)) return;
    if (next) next.upgrade(req, socket, head).catch(() => socket.destroy());
    else socket.destroy();
  });

  async function route(req: IncomingMessage, res: ServerResponse, requestLog: Logger): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path.startsWith(SOCKET_PATH)) return; // Socket.IO's own listener answers these
    if (path === "/api/health" && req.method === "GET") return health(res, db, redis, isShuttingDown);
    if (path === "/api/visitors" && req.method === "POST") return visitors(req, res, { db, io, config, limits, presence, log: requestLog });
    const widget = WIDGET_PATH.exec(path);
    if (widget && (req.method === "GET" || req.method === "HEAD")) return widgetConfig(res, widget[1]!, { db, presence, log: requestLog });
    if (path === "/api/uploads" && req.method === "POST") return inflight.track(postUpload(req, res, { ...uploads, log: requestLog }));
    if (path === "/api/agents/avatar" && req.method === "POST") return inflight.track(postAvatar(req, res, { ...uploads, log: requestLog }));
    if (path === "/api/agents/avatar" && req.method === "DELETE") return inflight.track(deleteAvatar(req, res, { ...uploads, log: requestLog }));
    const avatar = AVATAR_PATH.exec(path);
    if (avatar && (req.method === "GET" || req.method === "HEAD")) return getAvatar(req, res, avatar[1]!, { ...uploads, log: requestLog });
    const served = UPLOAD_PATH.exec(path);
    if (served && (req.method === "GET" || req.method === "HEAD")) return getUpload(req, res, served[1]!, served[2] ? "thumbnail" : "original", { ...uploads, log: requestLog });
    const goimAnswer = goim.handleRequest(req, res, requestLog);
    if (goimAnswer) return goimAnswer;
    // The visitor window may be framed only by its agent's allowed origins (/im.html is its old name).
    if (path === "/im" || path === "/im.html") await restrictFraming(req, res, db);
    if (next) {
      // The sign-in and sign-up limits count per address: the Next.js half learns it from us, never from the client.
      req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(req, config.TRUST_PROXY) ?? "unknown";
      return next.handle(req, res);
    }
    sendJson(res, 404, { ok: false, error: { code: "NOT_FOUND", message: "no such route" } });
  }

  return {
    io,
    limits,
    goim,
    close: async () => {
      isShuttingDown = true; // from now on /api/health answers 503 and new sockets are refused
      stopListening();
      stopRecheck();
      // Writes already under way are stored and acked before their sockets go; then every client is
      // told to leave, reconnects (to another node behind the balancer) and syncs what it missed.
      await inflight.idle(config.SHUTDOWN_TIMEOUT_MS / 2);
      await goim.close();
      io.disconnectSockets(true);
      await io.close(); // also stops the HTTP server listening
      httpServer.closeAllConnections();
      await presence.close();
      await batcher.close();
    },
  };
}

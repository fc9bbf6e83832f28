import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { createServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { liveSessionTokens, onSessionRevoked } from "../../core/sessions/agent-session.ts";
import type { FileStore } from "../../core/uploads/file-store.ts";
import { clientAddress } from "../http/client-address.ts";
import type { Logger } from "../log.ts";
import { GoimConnection, type Transport } from "./connection.ts";
import { decodeFrame, FrameError, FrameSplitter, type Frame } from "./frame.ts";
import { baseUrlOf } from "./http/request.ts";
import { goimRoute } from "./http/router.ts";
import { RoomTap } from "./room-tap.ts";
import type { GoimCtx, GoimDeps } from "./types.ts";

const GOIM_WS_PATH = "/ws";
/** Room for the close frame beyond the largest frame a client may send (16 + 4,096 bytes): a bigger message is refused by ws itself. */
const WS_MAX_PAYLOAD = 64 * 1024;
/** A TCP client that stops reading loses its connection once this much waits to be written to it. */
const TCP_MAX_BUFFERED = 1024 * 1024;

export type Goim = {
  /** Takes WebSocket upgrades on /ws; false for any other path. */
  handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Answers golang-im's HTTP API; null for any other path. */
  handleRequest: (req: IncomingMessage, res: ServerResponse, log: Logger) => Promise<void> | null;
  /** Settles once the TCP listener (GOIM_TCP_PORT) listens, or at once when none is configured. */
  ready: Promise<void>;
  tcpAddress: () => AddressInfo | null;
  close: () => Promise<void>;
};

/**
 * The goim gateway: golang-im's wire protocol over WebSocket (/ws) and TCP (GOIM_TCP_PORT), and its HTTP API,
 * as a second face on Parley's core. Messages cross between the two kinds of client through Socket.IO rooms
 * (see RoomTap), so they cross nodes through the same Redis adapter.
 */
export function mountGoim(_httpServer: HttpServer, deps: GoimDeps & { store: FileStore }): Goim {
  const { config, log } = deps;
  let isShuttingDown = false;
  const ctx: GoimCtx = { ...deps, tap: new RoomTap(deps.io, log), isShuttingDown: () => isShuttingDown };
  const connections = new Set<GoimConnection>();
  const open = (transport: Transport) => {
    const connection = new GoimConnection(transport, ctx, (closed) => connections.delete(closed));
    connections.add(connection);
    return connection;
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  const onWebSocket = (ws: WebSocket, req: IncomingMessage) => {
    const connection = open({
      kind: "ws",
      address: clientAddress(req, config.TRUST_PROXY),
      baseUrl: baseUrlOf(req, config),
      write: (frame) => ws.readyState === ws.OPEN && ws.send(frame),
      end: () => ws.close(1000),
    });
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (!isBinary) return connection.disconnect("BAD_FRAME", "send each frame as one binary WebSocket message");
      receiveSafely(connection, () => [decodeFrame(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer))]);
    });
    ws.on("close", () => connection.closed());
    ws.on("error", (err) => connection.log.debug({ err }, "goim websocket error"));
  };

  const tcp: TcpServer | null = config.GOIM_TCP_PORT === undefined ? null : createServer((socket: Socket) => onTcp(socket));
  const onTcp = (socket: Socket) => {
    socket.setNoDelay(true);
    const splitter = new FrameSplitter();
    const connection = open({
      kind: "tcp",
      address: socket.remoteAddress,
      baseUrl: config.PUBLIC_URL?.replace(/\/+$/, "") ?? "",
      write: (frame) => {
        if (socket.destroyed) return;
        socket.write(frame);
        if (socket.writableLength > TCP_MAX_BUFFERED) socket.destroy(); // a reader that stopped reading is not buffered for without end
      },
      end: () => socket.destroySoon(), // after what was written (the op 6 frame) has gone out
    });
    socket.on("data", (chunk: Buffer) => receiveSafely(connection, () => splitter.push(chunk)));
    socket.on("close", () => connection.closed());
    socket.on("error", (err) => connection.log.debug({ err }, "goim tcp error"));
  };

  const ready = tcp
    ? new Promise<void>((resolve, reject) => {
        tcp.once("error", reject).listen(config.GOIM_TCP_PORT, config.HOST, () => {
          tcp.off("error", reject);
          log.info({ address: tcp.address() }, "goim TCP listener ready");
          resolve();
        });
      })
    : Promise.resolve();
  ready.catch((err: unknown) => log.fatal({ err, port: config.GOIM_TCP_PORT }, "goim TCP listener failed to start"));

  // Signing out (here through /auth/logout, or in the console) cuts that session's goim connections too.
  const stopRevocations = onSessionRevoked((sessionToken) => {
    for (const connection of connections) {
      const actor = connection.actorOf;
      if (actor?.kind === "agent" && actor.sessionToken === sessionToken) connection.disconnect("UNAUTHENTICATED", "signed out");
    }
  });

  // Sessions that end without a sign-out (expired, deleted in the database) are caught by a periodic check, as for sockets.
  let isRechecking = false;
  const recheck = setInterval(() => {
    const agents = [...connections].flatMap((connection) => (connection.actorOf?.kind === "agent" ? [{ connection, sessionToken: connection.actorOf.sessionToken }] : []));
    if (!agents.length || isRechecking) return;
    isRechecking = true;
    liveSessionTokens(deps.db, [...new Set(agents.map((agent) => agent.sessionToken))])
      .then((live) => agents.forEach(({ connection, sessionToken }) => live.has(sessionToken) || connection.disconnect("UNAUTHENTICATED", "the session has ended")))
      .catch((err: unknown) => log.warn({ err }, "goim session recheck failed")) // a database blip cuts nobody
      .finally(() => (isRechecking = false));
  }, config.AGENT_SESSION_RECHECK_MS);
  recheck.unref();

  return {
    handleUpgrade: (req, socket, head) => {
      if (new URL(req.url ?? "/", "http://localhost").pathname !== GOIM_WS_PATH) return false;
      if (isShuttingDown) socket.destroy();
      else wss.handleUpgrade(req, socket, head, (ws) => onWebSocket(ws, req));
      return true;
    },
    handleRequest: (req, res, requestLog) => goimRoute(req, res, deps, requestLog),
    ready,
    tcpAddress: () => (tcp?.listening ? (tcp.address() as AddressInfo) : null),
    close: async () => {
      isShuttingDown = true;
      stopRevocations();
      clearInterval(recheck);
      for (const connection of connections) connection.disconnect("UNAVAILABLE", "the server is shutting down");
      wss.close();
      if (tcp?.listening) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };

  function receiveSafely(connection: GoimConnection, frames: () => Frame[]): void {
    let decoded: Frame[];
    try {
      decoded = frames();
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      return connection.disconnect("BAD_FRAME", err.message);
    }
    for (const frame of decoded) connection.receive(frame);
  }
}

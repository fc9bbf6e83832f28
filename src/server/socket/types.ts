import type { Server, Socket } from "socket.io";
import type { Db } from "../../core/db.ts";
import type { Presence } from "../../core/presence/presence.ts";
import type { Inflight } from "../inflight.ts";
import type { Limits } from "../limits/limits.ts";
import type { Logger } from "../log.ts";
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "./contract.ts";

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type SocketCtx = {
  io: ChatServer; socket: ChatSocket; db: Db; log: Logger; presence: Presence; limits: Limits; inflight: Inflight; isCongested: () => boolean; isShuttingDown: () => boolean;
  /** The client's address as the server sees it (behind a trusted proxy, the first hop it reports); for IP blocks. */
  address: string | undefined;
};

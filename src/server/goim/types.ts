import type { Config } from "../../config.ts";
import type { Db } from "../../core/db.ts";
import type { Presence } from "../../core/presence/presence.ts";
import type { Inflight } from "../inflight.ts";
import type { Limits } from "../limits/limits.ts";
import type { Logger } from "../log.ts";
import type { ChatServer } from "../socket/types.ts";
import type { RoomTap } from "./room-tap.ts";

/**
 * What the goim gateway shares with the rest of the server: the same database, Socket.IO server, presence and
 * limits; `inflight` lets a shutdown wait for its writes too, and `isCongested` holds its sends back as message:send's.
 */
export type GoimDeps = { io: ChatServer; db: Db; log: Logger; config: Config; presence: Presence; limits: Limits; inflight: Inflight; isCongested: () => boolean };
export type GoimCtx = GoimDeps & { tap: RoomTap; isShuttingDown: () => boolean };

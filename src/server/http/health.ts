import type { ServerResponse } from "node:http";
import type { Db } from "../../core/db.ts";
import type { RedisLink } from "../redis/redis-link.ts";
import { sendJson } from "./respond.ts";

/**
 * GET /api/health: 200 when this node can serve (database up, Redis up if configured, not shutting down),
 * 503 otherwise, so a load balancer or Docker moves traffic elsewhere.
 */
export async function health(res: ServerResponse, db: Db, redis: RedisLink | undefined, isShuttingDown: boolean): Promise<void> {
  const [database, redisState] = await Promise.all([
    db.$queryRaw`SELECT 1`.then(() => "up" as const, () => "down" as const),
    redis ? redis.ping().then((ok) => (ok ? ("up" as const) : ("down" as const))) : ("not configured" as const),
  ]);
  const isHealthy = database === "up" && redisState !== "down" && !isShuttingDown;
  sendJson(res, isHealthy ? 200 : 503, { status: isHealthy ? "ok" : "unavailable", database, redis: redisState, shuttingDown: isShuttingDown });
}

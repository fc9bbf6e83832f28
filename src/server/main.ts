import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import nextJs from "next";
import { loadConfig, publishConfig, type Config } from "../config.ts";
import { createDb, shareDb } from "../core/db.ts";
import { startEmbeddedPostgres, EMBEDDED_POOL_MAX } from "./db/embedded-postgres.ts";
import { applyMigrations } from "./db/migrate.ts";
import { createApp, type Next } from "./index.ts";
import { shareLimits } from "./limits/shared-limits.ts";
import { createLogger, type Logger } from "./log.ts";
import { connectRedis } from "./redis/redis-link.ts";
import { createRedisPresence } from "./redis/redis-presence.ts";

export type Node = { port: number; stop: () => Promise<void> };

/**
 * Boots one Parley node: database (embedded unless DATABASE_URL), migrations, Redis (if REDIS_URL),
 * Next.js (unless `withNext` is false, as in the multi-node tests), Socket.IO and the HTTP routes.
 */
export async function startNode(config: Config, log: Logger, { withNext = true } = {}): Promise<Node> {
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.DATA_DIR);
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  log.info({ database: embedded ? `embedded PGlite in ${config.DATA_DIR}` : "PostgreSQL from DATABASE_URL" }, "database");
  const { applied } = await applyMigrations(databaseUrl);
  if (applied.length) log.info({ applied }, "migrations applied");
  publishConfig(config, databaseUrl);
  const db = createDb(databaseUrl, embedded ? EMBEDDED_POOL_MAX : 10);
  shareDb(db);

  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, log) : undefined;
  const presence = redis ? await createRedisPresence(redis.client) : undefined;
  if (redis) log.info("redis connected: rooms and presence span every node");

  const dev = config.NODE_ENV !== "production";
  const nextApp = withNext ? nextJs({ dev, hostname: config.HOST, port: config.PORT, dir: process.cwd() }) : undefined;
  await nextApp?.prepare();
  const next: Next | undefined = nextApp && { handle: nextApp.getRequestHandler(), upgrade: nextApp.getUpgradeHandler() };

  const httpServer = createServer();
  const app = createApp(httpServer, { config, db, log, redis, presence, next });
  shareLimits(app.limits); // sign-in and sign-up, in the Next.js half, count on the same limiters
  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  await app.goim.ready; // a GOIM_TCP_PORT that cannot be bound stops the boot, as a busy PORT would
  const { port } = httpServer.address() as AddressInfo;
  log.info({ url: `http://localhost:${port}`, mode: dev ? "development" : "production" }, "Parley is listening");

  return {
    port,
    stop: async () => {
      await app.close();
      await redis?.close();
      await nextApp?.close?.();
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}

/** Runs a node until SIGTERM or SIGINT, then stops it cleanly (or exits after SHUTDOWN_TIMEOUT_MS). */
export async function main({ withNext = true } = {}): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection")); // logged, never fatal
  process.on("uncaughtException", (err) => log.fatal({ err }, "uncaught exception"));
  const node = await startNode(config, log, { withNext });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
    await node.stop();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

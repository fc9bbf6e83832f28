import { createServer } from "node:http";
import nextJs from "next";
import { loadConfig, publishConfig } from "../config.ts";
import { createDb, shareDb } from "../core/db.ts";
import { startEmbeddedPostgres, EMBEDDED_POOL_MAX } from "./db/embedded-postgres.ts";
import { applyMigrations } from "./db/migrate.ts";
import { createApp } from "./index.ts";
import { createLogger, type Logger } from "./log.ts";
import { connectRedis } from "./redis/redis-link.ts";
import { createRedisPresence } from "./redis/redis-presence.ts";

/** Boots one Parley node: configuration, database (embedded unless DATABASE_URL), migrations, Next.js, Socket.IO. */
export async function main(): Promise<void> {
  let log: Logger = createLogger("info");
  const config = loadConfig();
  log = createLogger(config.LOG_LEVEL);
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection")); // logged, never fatal
  process.on("uncaughtException", (err) => log.fatal({ err }, "uncaught exception"));

  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.DATA_DIR);
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  log.info({ database: embedded ? `embedded PGlite in ${config.DATA_DIR}` : "PostgreSQL from DATABASE_URL" }, "database");
  const { applied } = await applyMigrations(databaseUrl);
  if (applied.length) log.info({ applied }, "migrations applied");
  publishConfig(config, databaseUrl);
  const db = createDb(databaseUrl, embedded ? EMBEDDED_POOL_MAX : 10);
  shareDb(db);

  const dev = config.NODE_ENV !== "production";
  const nextApp = nextJs({ dev, hostname: config.HOST, port: config.PORT, dir: process.cwd() });
  await nextApp.prepare();
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, log) : undefined;
  const presence = redis ? await createRedisPresence(redis.client) : undefined;
  if (redis) log.info("redis connected: rooms and presence span every node");
  const httpServer = createServer();
  const app = createApp(httpServer, {
    config,
    db,
    log,
    redis,
    presence,
    next: { handle: nextApp.getRequestHandler(), upgrade: nextApp.getUpgradeHandler() },
  });
  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  log.info({ url: `http://localhost:${config.PORT}`, mode: dev ? "development" : "production" }, "Parley is listening");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
    await app.close();
    await redis?.close();
    await nextApp.close?.();
    await db.$disconnect();
    await embedded?.stop();
    clearTimeout(force);
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

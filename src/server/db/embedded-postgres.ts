import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export const EMBEDDED_POOL_MAX = 10;

/**
 * PGlite serving the PostgreSQL wire protocol on a loopback port, so the embedded default and a real
 * PostgreSQL go through the very same code (Prisma with adapter-pg).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = join(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  // The socket server multiplexes its connections onto the one PGlite; with fewer slots than the pool
  // has connections, concurrent transactions fail with "Connection terminated unexpectedly".
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: EMBEDDED_POOL_MAX + 5 });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

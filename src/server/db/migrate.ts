import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

export const MIGRATIONS_DIR = join(import.meta.dirname, "../../../prisma/migrations");
// Any fixed number: it serialises nodes that start together, so only one of them migrates.
const MIGRATION_LOCK = 72_707_372;

export type MigrationReport = { applied: string[] };

/**
 * Applies prisma/migrations/* in order and records each in _prisma_migrations exactly as
 * `prisma migrate deploy` would (same table, checksum = sha256 of migration.sql), because Prisma's
 * native migration engine cannot run on these machines; `prisma migrate status` elsewhere sees the same history.
 */
export async function applyMigrations(connectionString: string, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null }>(
      `SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const failed = rows.find((row) => !row.finished_at);
    if (failed) throw new Error(`migration ${failed.migration_name} failed earlier; fix the database, then mark it rolled back`);
    const done = new Set(rows.map((row) => row.migration_name));
    const applied: string[] = [];
    for (const name of pendingMigrations(dir, done)) {
      await applyOne(client, name, readFileSync(join(dir, name, "migration.sql"), "utf8"));
      applied.push(name);
    }
    return { applied };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

function pendingMigrations(dir: string, done: Set<string>): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")) && !done.has(entry.name))
    .map((entry) => entry.name)
    .sort(); // names start with a UTC timestamp, so this is the order they were written in
}

async function applyOne(client: pg.Client, name: string, sql: string): Promise<void> {
  const id = randomUUID();
  const checksum = createHash("sha256").update(sql).digest("hex");
  await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)`, [id, checksum, name]);
  try {
    // One transaction per migration: a failure leaves the schema as it was, not half-changed.
    await client.query(`BEGIN;\n${sql}\nCOMMIT;`);
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, String(err)]);
    throw new Error(`migration ${name} failed: ${(err as Error).message}`, { cause: err });
  }
  await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
}

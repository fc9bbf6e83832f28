import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, MIGRATIONS_DIR } from "../../src/server/db/migrate.ts";
import { createTestDatabase } from "./support.ts";

const migrationNames = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

type MigrationRow = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number; logs: string | null };

async function recordedMigrations(url: string): Promise<MigrationRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<MigrationRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe("applyMigrations on an empty database", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterAll(() => database?.drop());

  it("applies every migration in prisma/migrations, in order", async () => {
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(await applyMigrations(database.url)).toEqual({ applied: migrationNames });
  });

  it("records each one in _prisma_migrations as prisma migrate does: sha256 checksum, finished_at set", async () => {
    const rows = await recordedMigrations(database.url);
    expect(rows).toEqual(
      migrationNames.map((name) => ({
        migration_name: name,
        checksum: sha256(join(MIGRATIONS_DIR, name, "migration.sql")),
        finished_at: expect.any(Date),
        rolled_back_at: null,
        applied_steps_count: 1,
        logs: null,
      })),
    );
  });

  it("does nothing when applied a second time", async () => {
    const before = await recordedMigrations(database.url);
    expect(await applyMigrations(database.url)).toEqual({ applied: [] });
    expect(await recordedMigrations(database.url)).toEqual(before);
  });
});

describe("applyMigrations from two nodes starting together", () => {
  it("applies each migration exactly once", async () => {
    const database = await createTestDatabase({ empty: true });
    try {
      const reports = await Promise.all([applyMigrations(database.url), applyMigrations(database.url)]);
      expect(reports.flatMap((report) => report.applied).sort()).toEqual(migrationNames);
      expect((await recordedMigrations(database.url)).map((row) => row.migration_name)).toEqual(migrationNames);
    } finally {
      await database.drop();
    }
  });
});

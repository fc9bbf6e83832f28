import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "../../src/server/db/migrate.ts";
import { createTestDatabase } from "./support.ts";

const migrations = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const ours = migrations.findIndex((name) => name.endsWith("_identity_and_origins"));
const sqlOf = (name: string) => readFileSync(join(MIGRATIONS_DIR, name, "migration.sql"), "utf8");

/** Agents that exist before the migration, then the migration: each must come out with its own secret. */
async function backfill(exec: (sql: string) => Promise<unknown>, query: (sql: string) => Promise<{ identitySecret: string; allowedOrigins: string[] }[]>) {
  for (const name of migrations.slice(0, ours)) await exec(sqlOf(name));
  for (const n of [1, 2, 3]) {
    const device = `${n}`.repeat(32);
    await exec(`INSERT INTO "Device" ("id", "kind", "label") VALUES ('${device}', 'AGENT', 'a${n}')`);
    await exec(`INSERT INTO "Agent" ("id", "name", "passwordHash", "deviceId") VALUES ('agent-${n}', 'a${n}', 'x', '${device}')`);
  }
  await exec(sqlOf(migrations[ours]!));
  return query(`SELECT "identitySecret", "allowedOrigins" FROM "Agent" ORDER BY "id"`);
}

function expectDistinctSecrets(rows: { identitySecret: string; allowedOrigins: string[] }[]) {
  expect(rows).toHaveLength(3);
  for (const row of rows) expect(row).toEqual({ identitySecret: expect.stringMatching(/^[0-9a-f]{64}$/), allowedOrigins: [] });
  expect(new Set(rows.map((row) => row.identitySecret)).size).toBe(3);
}

describe("the identity_and_origins migration", () => {
  it("exists after the earlier migrations", () => {
    expect(ours).toBeGreaterThan(0);
  });

  it("gives every existing agent its own random identity secret on PostgreSQL", async () => {
    const database = await createTestDatabase({ empty: true });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expectDistinctSecrets(await backfill((sql) => client.query(sql), async (sql) => (await client.query(sql)).rows));
    } finally {
      await client.end();
      await database.drop();
    }
  });

  it("does the same on the embedded PGlite (gen_random_uuid is built in, no pgcrypto needed)", { timeout: 30_000 }, async () => {
    const db = new PGlite();
    try {
      expectDistinctSecrets(await backfill((sql) => db.exec(sql), async (sql) => (await db.query<{ identitySecret: string; allowedOrigins: string[] }>(sql)).rows));
    } finally {
      await db.close();
    }
  });
});

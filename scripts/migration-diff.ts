// Stand-in for `prisma migrate dev --create-only --name <name>`, which cannot run here (no native schema
// engine). Writes the SQL that takes the schema built by prisma/migrations to prisma/schema.prisma into
// prisma/migrations/<UTC yyyymmddHHMMSS>_<name>/migration.sql, the layout `prisma migrate` reads; applying
// it is left to the app's own migrator. No database needed: an in-memory PGlite is the shadow database
// (or set SHADOW_DATABASE_URL to a disposable PostgreSQL database, which gets wiped).
//
//   node --import tsx scripts/migration-diff.ts <name>
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffMigrationsToSchema, migrationLock, migrationsDir } from "./schema-engine.ts";

const name = process.argv[2];
// Same rule as Prisma: the name becomes part of a directory name, so keep it to [A-Za-z0-9_].
if (!name || !/^[A-Za-z0-9_]+$/.test(name)) {
  console.error("usage: node --import tsx scripts/migration-diff.ts <name>   (name: letters, digits, _)");
  process.exit(1);
}

const sql = await diffMigrationsToSchema();
if (!sql) {
  console.log("prisma/schema.prisma matches prisma/migrations: no migration written.");
  process.exit(0);
}

// Prisma names migrations by UTC time so that they sort in creation order.
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, "migration.sql"), sql);
// `prisma migrate` refuses a migrations directory whose lockfile names another provider.
const lockPath = path.join(migrationsDir, "migration_lock.toml");
if (!existsSync(lockPath)) await writeFile(lockPath, migrationLock);
console.log(`Wrote ${path.relative(process.cwd(), path.join(dir, "migration.sql"))}`);

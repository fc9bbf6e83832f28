// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (the server also does this at start).
import { loadConfig } from "../src/config.ts";
import { applyMigrations } from "../src/server/db/migrate.ts";

const { DATABASE_URL } = loadConfig();
if (!DATABASE_URL) {
  process.stderr.write("DATABASE_URL is not set; the embedded database is migrated by `npm start` itself.\n");
  process.exit(1);
}
const { applied } = await applyMigrations(DATABASE_URL);
process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");

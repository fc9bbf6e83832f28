import { applyMigrations } from "../../src/server/db/migrate.ts";
import { adminQuery, databaseUrl, dropDatabase, TEMPLATE_DATABASE } from "./postgres.ts";

/**
 * Migrates once into a template database; each test file then clones it (CREATE DATABASE … TEMPLATE),
 * which takes milliseconds instead of replaying the migrations per file.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await dropDatabase(TEMPLATE_DATABASE); // a reused name (PARLEY_IT_TEMPLATE set by hand) may be left over
  await adminQuery(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  await applyMigrations(databaseUrl(TEMPLATE_DATABASE));
  return () => dropDatabase(TEMPLATE_DATABASE);
}

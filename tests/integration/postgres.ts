import pg from "pg";

/** The local PostgreSQL the integration tests use; any database on it serves as the admin connection. */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
// Named per run (vitest.config.ts sets it), so two runs against one PostgreSQL do not drop each other's template.
export const TEMPLATE_DATABASE = process.env.PARLEY_IT_TEMPLATE ?? "parley_it_template";

/** The URL of another database on the same server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// FORCE: a test that failed half-way may leave a pool open, and that must not keep its database alive.
export const dropDatabase = (name: string) => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);

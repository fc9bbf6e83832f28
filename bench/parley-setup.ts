// What Parley needs before a run: a fresh database, agents with live sessions, and visitors.
//
// Agents are made with Parley's own core functions against the server's database, before the load starts:
// signing up goes through the Next.js half (NextAuth's credentials flow), which the bench does not start.
// signUpAgent + createAgentSession + the NextAuth cookie is exactly what a sign-in leaves behind (the
// integration tests' seedAgent does the same). Visitors go through the public route, POST /api/visitors.
import { randomBytes, randomUUID } from "node:crypto";
import { encode } from "@auth/core/jwt";
import pg from "pg";
import { signUpAgent } from "../src/core/agents/sign-up-agent.ts";
import { createDb } from "../src/core/db.ts";
import { createAgentSession } from "../src/core/sessions/agent-session.ts";
import { startEmbeddedPostgres } from "../src/server/db/embedded-postgres.ts";
import { applyMigrations } from "../src/server/db/migrate.ts";
import { percentiles, type Percentiles } from "./stats.ts";

const SESSION_COOKIE = "authjs.session-token"; // over plain HTTP; it is also the JWT's salt

export type SeededAgent = { deviceId: string; cookie: string };
export type Visitor = { conversationId: string; token: string; agentDeviceId: string };

async function adminQuery(adminUrl: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** An empty database of the run's own on the PostgreSQL at `adminUrl`, migrated, and the means to drop it. */
export async function createBenchDatabase(adminUrl: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `parley_bench_${randomBytes(5).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  // FORCE: a server killed mid-run may leave connections behind.
  return { name, url: url.toString(), drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined) };
}

/** The PostgreSQL server's version and durability settings, for the report's header. */
export async function postgresSettings(adminUrl: string): Promise<string> {
  const { rows } = await adminQuery(adminUrl, "SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync");
  const row = rows[0] as { version: string; fsync: string; sync: string };
  return `PostgreSQL ${row.version.split(" ")[0]} (fsync ${row.fsync}, synchronous_commit ${row.sync})`;
}

/**
 * The floor under one-transaction-per-message: 2,000 single-row INSERTs one after another, each its own
 * commit, in a scratch database; their p50, p99 and max in ms. With fsync on, this is the disk's flush time,
 * and its tail is what no message stored before its ack can beat.
 */
export async function commitLatencyMs(adminUrl: string): Promise<Omit<Percentiles, "p95">> {
  const name = `parley_bench_probe_${randomBytes(5).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    await client.query("CREATE TABLE probe (id serial PRIMARY KEY, body text NOT NULL)");
    const times: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const startedAt = performance.now();
      await client.query("INSERT INTO probe (body) VALUES ($1)", ["probe"]);
      times.push(performance.now() - startedAt);
    }
    const { p50, p99, max } = percentiles(times);
    return { p50, p99, max };
  } finally {
    await client.end().catch(() => undefined);
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

/** Backend pids serving `database` now: their CPU time counts as the database's share of a phase. */
export async function backendPids(adminUrl: string, database: string): Promise<number[]> {
  const { rows } = await adminQuery(adminUrl, "SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]);
  return rows.map((row: { pid: number }) => row.pid);
}

/**
 * `count` agents, each signed up and signed in, with the cookie their console would hold. argon2 hashing
 * dominates, so `concurrency` at a time keeps libuv's threads busy without queueing hundreds.
 */
export async function seedAgents(databaseUrl: string, count: number, secret: string, concurrency = 8): Promise<SeededAgent[]> {
  const db = createDb(databaseUrl, Math.min(concurrency, 4));
  try {
    const agents: SeededAgent[] = [];
    for (let start = 0; start < count; start += concurrency) {
      const batch = Array.from({ length: Math.min(concurrency, count - start) }, async (_, i) => {
        const agent = await signUpAgent(db, { identifier: { email: `bench-${start + i}-${randomUUID()}@example.test` }, name: `Agent ${start + i + 1}`, password: "bench password 123" });
        const sessionToken = await createAgentSession(db, agent.id);
        return { deviceId: agent.deviceId, cookie: `${SESSION_COOKIE}=${await encode({ token: { sessionToken }, secret, salt: SESSION_COOKIE })}` };
      });
      agents.push(...(await Promise.all(batch)));
    }
    return agents;
  } finally {
    await db.$disconnect();
  }
}

/**
 * Embedded mode: the server owns its PGlite, so the agents are seeded first, by opening the same data
 * directory the way the server will (migrations included), then closing it before the server starts.
 * One at a time: concurrent statements through pglite-socket fail here ("portal does not exist").
 */
export async function seedEmbedded(dataDir: string, count: number, secret: string): Promise<SeededAgent[]> {
  const embedded = await startEmbeddedPostgres(dataDir);
  try {
    await applyMigrations(embedded.url);
    return await seedAgents(embedded.url, count, secret, 1);
  } finally {
    await embedded.stop();
  }
}

/** POST /api/visitors for each agent in `agentDeviceIds` (one new visitor each), `concurrency` at a time. */
export async function identifyVisitors(url: string, agentDeviceIds: string[], concurrency: number, onProgress?: (done: number) => void): Promise<Visitor[]> {
  const visitors: Visitor[] = new Array(agentDeviceIds.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < agentDeviceIds.length) {
      const index = next++;
      const agentDeviceId = agentDeviceIds[index]!;
      const response = await fetch(new URL("/api/visitors", url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ agentId: agentDeviceId }) });
      const reply = (await response.json()) as { ok: true; data: { conversationId: string; token: string } } | { ok: false; error: { code: string; message: string } };
      if (!reply.ok) throw new Error(`POST /api/visitors answered ${response.status} ${reply.error.code}: ${reply.error.message}`);
      visitors[index] = { conversationId: reply.data.conversationId, token: reply.data.token, agentDeviceId };
      onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, agentDeviceIds.length) }, lane));
  return visitors;
}

// Brings up what one measurement runs against, the relay or Parley, in a mode:
//   single: one node (Parley on PostgreSQL)   redis: two nodes over one redis-server, visitors on node A and
//   agents on node B   pglite: one Parley node on its embedded PGlite (the relay has no database: one node).
// and the credentials of the clients: `agents` agents with `visitorsPerAgent` visitors each.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { backendPids, createBenchDatabase, identifyVisitors, seedAgents, seedEmbedded, type SeededAgent } from "./parley-setup.ts";
import { freePort, startRedis, startServer, type ServerProcess } from "./processes.ts";
import type { Credentials } from "./protocol.ts";

export type Mode = "single" | "redis" | "pglite";
export type Target = "relay" | "parley";

export type Conversation = { conversationId: string; visitor: Credentials; agentIndex: number };

export type Deployment = {
  servers: ServerProcess[];
  /** Where visitors connect (node A) and where agents connect (node B in redis mode, else the same). */
  visitorUrl: string;
  agentUrl: string;
  agents: Credentials[];
  conversations: Conversation[];
  /** Pids whose CPU time a phase reports besides the servers': PostgreSQL backends of the run's database, redis-server. */
  databasePids: () => Promise<number[]>;
  redisPid?: number;
  stop: () => Promise<void>;
};

export type DeployOptions = {
  /** Names the run's log files and data directory. */
  name: string;
  mode: Mode;
  target: Target;
  agents: number;
  visitorsPerAgent: number;
  runDir: string;
  postgresUrl: string;
  logLevel: string;
  /** Write a V8 CPU profile of each server (node --cpu-prof) into this directory when it stops. */
  cpuProfileDir?: string;
  onSetupProgress?: (text: string) => void;
};

const RELAY_ENTRY = join(import.meta.dirname, "relay.ts");
const PARLEY_ENTRY = join(import.meta.dirname, "parley-node.ts");

export async function deploy(options: DeployOptions): Promise<Deployment> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse().splice(0)) await cleanup().catch(() => undefined);
  };
  try {
    return await (options.target === "relay" ? deployRelay(options, cleanups, stop) : deployParley(options, cleanups, stop));
  } catch (err) {
    await stop();
    throw err;
  }
}

const label = (options: DeployOptions, node: string) => `${options.name}-${options.target}-${node}`;
// One directory per server, and Node's own file names (they carry the pid and thread id): a fixed
// --cpu-prof-name would make every thread of the process (tsx's loader thread too) overwrite the main one's.
const profiling = (options: DeployOptions, node: string) => (options.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", join(options.cpuProfileDir, `${label(options, node)}-cpu-profiles`)] : []);

async function deployRelay(options: DeployOptions, cleanups: (() => Promise<void>)[], stop: () => Promise<void>): Promise<Deployment> {
  const redis = options.mode === "redis" ? await startRedis(join(options.runDir, `${label(options, "redis")}.log`)) : undefined;
  if (redis) cleanups.push(redis.stop);
  const servers: ServerProcess[] = [];
  for (const node of options.mode === "redis" ? ["a", "b"] : ["a"]) {
    options.onSetupProgress?.(`starting relay node ${node.toUpperCase()}`);
    const port = await freePort();
    const server = await startServer({
      name: `relay node ${node.toUpperCase()}`,
      entry: RELAY_ENTRY,
      args: ["--port", String(port), ...(redis ? ["--redis", redis.url] : [])],
      nodeFlags: profiling(options, node),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production" },
      port,
      logFile: join(options.runDir, `${label(options, node)}.log`),
    });
    servers.push(server);
    cleanups.push(() => server.stop());
  }
  const conversations: Conversation[] = [];
  const agents = Array.from({ length: options.agents }, (_, agentIndex) => {
    const rooms = Array.from({ length: options.visitorsPerAgent }, () => {
      const conversationId = randomBytes(32).toString("hex");
      conversations.push({ conversationId, visitor: { auth: { rooms: [conversationId] } }, agentIndex });
      return conversationId;
    });
    // Parley's agents join their conversations on the server; the relay's clients name their rooms in the
    // handshake, which is capped at 64 KB like Parley's. An agent of thousands of visitors (the scale
    // measurement) only sends, and a sender needs no room: socket.to(room) reaches the room from outside.
    return { auth: { rooms: rooms.length <= 100 ? rooms : [] } };
  });
  return { servers, visitorUrl: servers[0]!.url, agentUrl: servers.at(-1)!.url, agents, conversations, databasePids: async () => [], redisPid: redis?.pid, stop };
}

async function deployParley(options: DeployOptions, cleanups: (() => Promise<void>)[], stop: () => Promise<void>): Promise<Deployment> {
  const secret = randomBytes(32).toString("base64url");
  const dataDir = join(options.runDir, `${label(options, "data")}`);
  mkdirSync(dataDir, { recursive: true });
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

  options.onSetupProgress?.(`seeding ${options.agents} agent(s)`);
  let seeded: SeededAgent[];
  let databaseUrl: string | undefined;
  let databaseName: string | undefined;
  if (options.mode === "pglite") {
    seeded = await seedEmbedded(dataDir, options.agents, secret);
  } else {
    const database = await createBenchDatabase(options.postgresUrl);
    cleanups.push(database.drop);
    databaseUrl = database.url;
    databaseName = database.name;
    seeded = await seedAgents(database.url, options.agents, secret);
  }

  const redis = options.mode === "redis" ? await startRedis(join(options.runDir, `${label(options, "redis")}.log`)) : undefined;
  if (redis) cleanups.push(redis.stop);
  const servers: ServerProcess[] = [];
  for (const node of options.mode === "redis" ? ["a", "b"] : ["a"]) {
    options.onSetupProgress?.(`starting Parley node ${node.toUpperCase()}`);
    const port = await freePort();
    const server = await startServer({
      name: `Parley node ${node.toUpperCase()}`,
      entry: PARLEY_ENTRY,
      nodeFlags: profiling(options, node),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis?.url,
        AUTH_SECRET: secret,
        DATA_DIR: dataDir,
        UPLOADS_DIR: join(dataDir, "uploads"),
        LOG_LEVEL: options.logLevel,
        SHUTDOWN_TIMEOUT_MS: "5000",
        // Every bench client comes from 127.0.0.1 and sends far more than a person would: no rate limits.
        MESSAGES_RATE_LIMIT: "off",
        VISITORS_RATE_LIMIT: "off",
        SIGN_UP_RATE_LIMIT: "off",
        SIGN_IN_ACCOUNT_RATE_LIMIT: "off",
        SIGN_IN_IP_RATE_LIMIT: "off",
        // Parley's default unless the bench's own environment sets it (to compare writer counts).
        MESSAGE_WRITERS: process.env.MESSAGE_WRITERS,
      },
      port,
      logFile: join(options.runDir, `${label(options, node)}.log`),
    });
    servers.push(server);
    cleanups.push(() => server.stop());
  }

  const total = options.agents * options.visitorsPerAgent;
  const agentIds = seeded.flatMap((agent) => Array.from({ length: options.visitorsPerAgent }, () => agent.deviceId));
  const visitors = await identifyVisitors(servers[0]!.url, agentIds, 16, (done) => {
    if (done % 250 === 0 || done === total) options.onSetupProgress?.(`POST /api/visitors ${done}/${total}`);
  });
  const indexOf = new Map(seeded.map((agent, index) => [agent.deviceId, index]));
  return {
    servers,
    visitorUrl: servers[0]!.url,
    agentUrl: servers.at(-1)!.url,
    agents: seeded.map((agent) => ({ extraHeaders: { cookie: agent.cookie } })),
    conversations: visitors.map((visitor) => ({ conversationId: visitor.conversationId, visitor: { auth: { token: visitor.token } }, agentIndex: indexOf.get(visitor.agentDeviceId)! })),
    databasePids: databaseName ? () => backendPids(options.postgresUrl, databaseName) : async () => [],
    redisPid: redis?.pid,
    stop,
  };
}

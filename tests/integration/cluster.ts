// Real processes for the multi-node tests: Parley nodes (tests/integration/node-process.ts), a redis-server
// and a PostgreSQL of a test file's own, and a client that follows docs/protocol.md (outbox, resend with
// the same clientMsgId, reconnect to the next node, sync from the last contiguous seq, dedupe by seq).
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { freePort } from "../support/free-port.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { io } from "socket.io-client";
import { createDb, type Db } from "../../src/core/db.ts";
import { pollUntil } from "../support/poll.ts";
import { afterAll } from "vitest";
import type { AckResult, MessageView, SyncPage } from "../../src/server/socket/contract.ts";
import { createTestDatabase, TEST_SECRET, type TestSocket } from "./support.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const NODE_ENTRY = join(import.meta.dirname, "node-process.ts");
// Debian installs each major version under its own directory; use the newest one there.
const PG_BIN = `/usr/lib/postgresql/${readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a))[0]}/bin`;
/** How long a process gets to come up: a node compiles its TypeScript through tsx first, on a busy CI machine. */
const START_TIMEOUT_MS = 20_000;

/** Rejects with `what` in the message when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export { freePort };

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A child process whose output is kept line by line, so a test can wait for a line instead of sleeping. */
class Proc {
  readonly lines: string[] = [];
  /** Settles once the process has exited and its output is fully read. */
  readonly exited: Promise<Exit>;
  private readonly events = new EventEmitter();
  private exit?: Exit;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    for (const [stream, prefix] of [[child.stdout, ""], [child.stderr, "stderr: "]] as const) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        this.lines.push(prefix + line);
        this.events.emit("line", prefix + line);
      });
    }
    this.exited = new Promise((resolve) =>
      child.once("close", (code, signal) => {
        this.exit = { code, signal };
        this.events.emit("exit");
        resolve(this.exit);
      }),
    );
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.isRunning) this.child.kill(signal);
  }

  /** A position in the output, to wait for lines printed after it. */
  mark(): number {
    return this.lines.length;
  }

  /** The first line from `since` on (already printed or still to come) that matches; fails if the process exits first. */
  waitForLine(match: (line: string) => boolean, what: string, timeoutMs = 5_000, since = 0): Promise<string> {
    const seen = this.lines.slice(since).find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off("line", onLine);
        this.events.off("exit", onExit);
      };
      const onLine = (line: string) => {
        if (!match(line)) return;
        done();
        resolve(line);
      };
      const onExit = () => {
        done();
        reject(new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before ${what}; its output:\n${this.tail()}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; its output:\n${this.tail()}`));
      }, timeoutMs);
      this.events.on("line", onLine);
      this.events.once("exit", onExit);
      if (this.exit) onExit();
    });
  }

  tail(count = 30): string {
    return this.lines.slice(-count).join("\n");
  }
}

/** One pino line of a node's stdout. */
export type LogLine = { level: number; msg: string; [field: string]: unknown };
const WARN = 40;

const parseLog = (line: string): LogLine | undefined => {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === "object" && "msg" in value ? (value as LogLine) : undefined;
  } catch {
    return undefined;
  }
};

export type Health = { status: number; body: { status: string; database: string; redis: string; shuttingDown: boolean } };
/** `env`: more variables for the node (they win over the defaults here, e.g. a shared UPLOADS_DIR). */
export type NodeOptions = { databaseUrl: string; redisUrl?: string; graceMs?: number; shutdownTimeoutMs?: number; env?: Record<string, string> };

/** A Parley node running as its own process, as in production: no Next.js, configured by environment. */
export class NodeProcess extends Proc {
  url = "";

  /** Every JSON log line so far. */
  logs(): LogLine[] {
    return this.lines.map(parseLog).filter((line): line is LogLine => line !== undefined);
  }

  /** Log lines at warn level or above. */
  problems(): LogLine[] {
    return this.logs().filter((line) => line.level >= WARN);
  }

  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs = 5_000, since = 0): Promise<LogLine> {
    return this.waitForLine(
      (line) => {
        const log = parseLog(line);
        return log !== undefined && match(log);
      },
      what,
      timeoutMs,
      since,
    ).then((line) => parseLog(line)!);
  }

  async health(timeoutMs = 3_000): Promise<Health> {
    const response = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: (await response.json()) as Health["body"] };
  }

  /**
   * Polls /api/health until it answers `status` (there is no event for "the database is reachable again";
   * a node notices only when asked). Answers and connection failures before that are not errors.
   */
  async healthBecomes(status: number, timeoutMs = 10_000): Promise<Health> {
    let last: Health | string = "no answer yet";
    const probe = async () => {
      try {
        last = await this.health();
        return last.status === status ? last : undefined;
      } catch (err) {
        last = String(err);
        return undefined;
      }
    };
    const onTimeout = () => new Error(`${this.name}: /api/health did not answer ${status} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    return pollUntil(probe, { timeoutMs, intervalMs: 100, onTimeout });
  }
}

/** A redis-server of the test file's own, so no other test's rooms, presence or adapter traffic reach its nodes. */
export class RedisServer {
  proc?: Proc;
  constructor(
    readonly port: number,
    private readonly own: (proc: Proc) => void,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = new Proc(`redis-server :${this.port}`, child);
    this.own(this.proc);
    await this.proc.waitForLine((line) => line.includes("Ready to accept connections"), "readiness", START_TIMEOUT_MS);
  }

  /** Stops the server (SIGTERM: it saves nothing, as configured) and waits until it has exited. */
  async stop(): Promise<void> {
    this.proc?.signal("SIGTERM");
    await within(this.proc!.exited, 5_000, "redis-server exit");
  }

  /** Freezes the server: connections stay open, nothing is answered, as with a Redis that cannot keep up. */
  pause(): void {
    this.proc?.signal("SIGSTOP");
  }

  resume(): void {
    this.proc?.signal("SIGCONT");
  }
}

const isRoot = () => process.getuid?.() === 0;
const asPostgres = (command: string, ...args: string[]): [string, string[]] => (isRoot() ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args]);

/** A PostgreSQL instance of the test file's own (initdb in a temporary directory), so a test may stop and start it. */
export class PostgresServer {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PostgresServer> {
    const dir = mkdtempSync(join(tmpdir(), "parley-pg-"));
    mkdirSync(join(dir, "socket"));
    if (isRoot()) {
      // PostgreSQL refuses to run as root: as root, the instance belongs to the `postgres` user.
      const [uid, gid] = ["-u", "-g"].map((flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" })));
      for (const path of [dir, join(dir, "socket")]) chownSync(path, uid, gid);
    }
    const server = new PostgresServer(dir, await freePort());
    await server.asPostgres(`${PG_BIN}/initdb`, "-D", server.dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions");
    return server;
  }

  get dataDir(): string {
    return join(this.dir, "data");
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** pg_ctl -w returns once the server accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${join(this.dir, "socket")} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await this.asPostgres(`${PG_BIN}/pg_ctl`, "-D", this.dataDir, "-o", options, "-l", join(this.dir, "log"), "-w", "-t", "20", "start");
  }

  /** "fast": open sessions are terminated, as in a restart by an operator or a failover. */
  async stop(): Promise<void> {
    await this.asPostgres(`${PG_BIN}/pg_ctl`, "-D", this.dataDir, "-m", "fast", "-w", "-t", "20", "stop");
  }

  /** Stops it whatever its state and deletes its files; synchronous, so it also works in an exit handler. */
  destroySync(): void {
    try {
      execFileSync(...asPostgres(`${PG_BIN}/pg_ctl`, "-D", this.dataDir, "-m", "immediate", "-w", "stop"), { stdio: "ignore" });
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async asPostgres(command: string, ...args: string[]): Promise<void> {
    await run(...asPostgres(command, ...args), { timeout: 30_000 });
  }
}

/**
 * Everything a test file starts: nodes, Redis, PostgreSQL. `useCluster` stops all of it after the file's
 * tests, whatever happened in them, and the exit hook catches a worker that goes down without afterAll.
 */
export class Cluster {
  private readonly procs: Proc[] = [];
  private readonly postgres: PostgresServer[] = [];
  private readonly dirs: string[] = [];
  private readonly databases: (() => Promise<void>)[] = [];
  private nodeCount = 0;

  /** A fresh clone of the migrated template on the shared PostgreSQL, dropped once the nodes using it are gone. */
  async testDatabase(): Promise<string> {
    const { url, drop } = await createTestDatabase();
    this.databases.push(drop);
    return url;
  }

  async startRedis(): Promise<RedisServer> {
    const redis = new RedisServer(await freePort(), (proc) => this.procs.push(proc));
    await redis.start();
    return redis;
  }

  async startPostgres(): Promise<PostgresServer> {
    const server = await PostgresServer.create();
    this.postgres.push(server);
    await server.start();
    return server;
  }

  async startNode({ databaseUrl, redisUrl, graceMs = 0, shutdownTimeoutMs = 10_000, env: extra = {} }: NodeOptions): Promise<NodeProcess> {
    const name = `node ${String.fromCharCode(65 + this.nodeCount++)}`;
    const dataDir = mkdtempSync(join(tmpdir(), "parley-node-"));
    this.dirs.push(dataDir);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "test" as const,
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: databaseUrl,
      ...(redisUrl && { REDIS_URL: redisUrl }),
      AUTH_SECRET: TEST_SECRET,
      PRESENCE_GRACE_MS: String(graceMs),
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      LOG_LEVEL: "info",
      DATA_DIR: dataDir,
      UPLOADS_DIR: join(dataDir, "uploads"),
      VISITORS_RATE_LIMIT: "off", // every test's visitors come from 127.0.0.1
      ...extra,
    };
    const child = spawn(process.execPath, ["--import", "tsx", NODE_ENTRY], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const node = new NodeProcess(name, child);
    this.procs.push(node);
    const listening = await node.waitForLog((line) => line.msg === "Parley is listening", "'Parley is listening'", START_TIMEOUT_MS);
    node.url = `http://127.0.0.1:${new URL(String(listening.url)).port}`;
    return node;
  }

  async destroy(): Promise<void> {
    this.destroySync();
    const exits = await Promise.allSettled(this.procs.map((proc) => within(proc.exited, 5_000, `${proc.name} exit`)));
    await Promise.all(this.databases.splice(0).map((drop) => drop())); // FORCE: also when a process would not go
    const stuck = exits.flatMap((exit) => (exit.status === "rejected" ? [String(exit.reason)] : []));
    if (stuck.length > 0) throw new Error(stuck.join("; "));
  }

  /** SIGKILL for every process still running (one frozen with SIGSTOP too), and PostgreSQL stopped "immediate". */
  destroySync(): void {
    for (const proc of this.procs) proc.signal("SIGKILL");
    for (const server of this.postgres.splice(0)) server.destroySync();
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** A cluster whose processes are all stopped after the file's tests. */
export function useCluster(): Cluster {
  const cluster = new Cluster();
  const onExit = () => cluster.destroySync();
  process.once("exit", onExit);
  afterAll(async () => {
    process.off("exit", onExit);
    await cluster.destroy();
  }, 30_000);
  return cluster;
}

/** Two node processes over a Redis of their own and a fresh PostgreSQL database (stopped with the cluster). */
export async function startTwoNodes(cluster: Cluster): Promise<{ db: Db; nodeA: NodeProcess; nodeB: NodeProcess }> {
  const [redis, databaseUrl] = await Promise.all([cluster.startRedis(), cluster.testDatabase()]);
  const [nodeA, nodeB] = await Promise.all([0, 1].map(() => cluster.startNode({ databaseUrl, redisUrl: redis.url })));
  return { db: createDb(databaseUrl), nodeA: nodeA!, nodeB: nodeB! };
}

// ---------------------------------------------------------------------------------------------------------
// A protocol client (docs/protocol.md §11 and §12), small enough to read in one go.

type OutboxEntry = { clientMsgId: string; body: string; attempts: number; resolve: (message: MessageView) => void; reject: (err: Error) => void };
type Credentials = { token: string } | { cookie: string };
export type ChatClientOptions = {
  name: string;
  /** Nodes to use, in order: the client starts with the first and moves to the next one whenever it loses its node. */
  urls: string[];
  credentials: Credentials;
  deviceId: string;
  conversationId: string;
  ackTimeoutMs?: number;
};
export type ChatClientStats = { connects: number; unavailable: number; noAck: number; resends: number; syncs: number };

const BACKOFF_START_MS = 50;
const BACKOFF_MAX_MS = 800;

/**
 * One tab of a client that follows docs/protocol.md: every message goes into an outbox with a fresh
 * clientMsgId and is sent one at a time, resent with the same id until acked; on losing its node it
 * connects to the next URL; on every connect it syncs from the last contiguous seq (paging while
 * hasMore) and then flushes the outbox; it holds messages by seq, so copies collapse.
 */
export class ChatClient {
  /** Messages held, by seq. */
  readonly held = new Map<number, MessageView>();
  /** clientMsgIds in the order `send` was called. */
  readonly sent: string[] = [];
  readonly outbox: OutboxEntry[] = [];
  /** Two different messages under one seq: a broken server. Must stay empty. */
  readonly conflicts: [MessageView, MessageView][] = [];
  /** Sync answers that were neither data nor a retriable error. Must stay empty. */
  readonly errors: string[] = [];
  readonly stats: ChatClientStats = { connects: 0, unavailable: 0, noAck: 0, resends: 0, syncs: 0 };
  socket?: TestSocket;
  /** The node this client is connected to now, or undefined. */
  connectedTo?: string;

  private readonly changes = new EventEmitter();
  private next = 0;
  private closed = false;
  private flushing = false;
  private syncing?: Promise<void>;
  private syncAgain = false;
  private reconnectDelay = BACKOFF_START_MS;
  private reconnectTimer?: NodeJS.Timeout;
  private wake?: () => void;

  constructor(private readonly options: ChatClientOptions) {
    this.changes.setMaxListeners(100);
  }

  private get ackTimeoutMs(): number {
    return this.options.ackTimeoutMs ?? 3_000;
  }

  /** Connects to the first URL and resolves after the first sync. */
  async start(): Promise<void> {
    this.connect();
    await this.waitUntil(() => this.stats.syncs > 0, "the first sync");
  }

  /** Queues a message; resolves with the stored message once it is acked (or arrives by sync). */
  send(body: string): Promise<MessageView> {
    return new Promise((resolve, reject) => {
      const clientMsgId = randomUUID();
      this.sent.push(clientMsgId);
      this.outbox.push({ clientMsgId, body, attempts: 0, resolve, reject });
      void this.flush();
    });
  }

  /** What a tab does when it becomes visible again (§12): sync now. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = this.runSync().finally(() => {
      this.syncing = undefined;
      this.changed();
    });
    return this.syncing;
  }

  /** The highest seq such that every message 1..seq is held. */
  contiguous(): number {
    let seq = 0;
    while (this.held.has(seq + 1)) seq++;
    return seq;
  }

  /** Held messages in seq order. */
  messages(): MessageView[] {
    return [...this.held.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Resolves when `condition` holds, re-checked on every change of this client; fails at the deadline with the client's state. */
  waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.changes.off("change", check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.changes.off("change", check);
        reject(new Error(`${this.options.name}: not ${what} within ${timeoutMs} ms; ${this.describe()}`));
      }, timeoutMs);
      this.changes.on("change", check);
    });
  }

  /** Resolves once every message this client sent is acked and it holds all of 1..lastSeq. */
  settled(lastSeq: number, timeoutMs?: number): Promise<void> {
    return this.waitUntil(() => this.outbox.length === 0 && this.contiguous() >= lastSeq, `settled at seq ${lastSeq}`, timeoutMs);
  }

  describe(): string {
    return `connectedTo=${this.connectedTo} contiguous=${this.contiguous()} held=${this.held.size} outbox=${this.outbox.length} stats=${JSON.stringify(this.stats)}`;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.wake?.();
    this.socket?.close();
    this.outbox.splice(0); // left unsettled: a test that still awaits one of them has failed already
  }

  private connect(): void {
    if (this.closed) return;
    const { urls, credentials } = this.options;
    const url = urls[this.next++ % urls.length];
    const auth = "token" in credentials ? { auth: { token: credentials.token } } : { extraHeaders: { cookie: credentials.cookie } };
    // Reconnection is ours (to the next node), not socket.io-client's (which would retry the same URL).
    const socket: TestSocket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: 3_000, ...auth });
    this.socket = socket;
    socket.on("connect", () => {
      this.connectedTo = url;
      this.reconnectDelay = BACKOFF_START_MS;
      this.stats.connects++;
      this.changed();
      // §12: sync every held conversation on connect, then flush the outbox (§11).
      void this.sync().then(() => this.flush());
    });
    socket.on("message:sent", (message) => {
      if (message.conversationId !== this.options.conversationId) return;
      const after = this.contiguous();
      this.merge([message]);
      if (message.seq > after + 1) void this.sync(); // a gap: something was missed
    });
    const lost = () => {
      socket.removeAllListeners();
      socket.close();
      if (this.socket !== socket) return;
      this.connectedTo = undefined;
      this.changed();
      this.wake?.();
      if (this.closed) return;
      this.reconnectTimer = setTimeout(() => this.connect(), this.reconnectDelay);
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, BACKOFF_MAX_MS);
    };
    socket.on("disconnect", lost);
    socket.on("connect_error", lost);
  }

  private async runSync(): Promise<void> {
    do {
      this.syncAgain = false;
      for (;;) {
        const socket = this.socket;
        if (!socket?.connected) return; // the next connect syncs again
        let page: AckResult<SyncPage>;
        try {
          page = await socket.timeout(this.ackTimeoutMs).emitWithAck("message:sync", { conversationId: this.options.conversationId, afterSeq: this.contiguous(), limit: 100 });
        } catch {
          return; // timeout or disconnect: stop; the next connect syncs again
        }
        if (!page.ok) {
          if (!page.error.retriable) return void this.errors.push(`message:sync failed with ${page.error.code}: ${page.error.message}`);
          await this.backoff(BACKOFF_MAX_MS);
          continue;
        }
        this.merge(page.data.messages);
        if (!page.data.hasMore) break;
      }
    } while (this.syncAgain);
    this.stats.syncs++;
  }

  /** Sends the outbox one message at a time, each resent with its clientMsgId until it is acked. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let delay = BACKOFF_START_MS;
      while (this.outbox.length > 0 && !this.closed) {
        const socket = this.socket;
        if (!socket?.connected) return; // the next connect flushes
        const entry = this.outbox[0];
        if (entry.attempts++ > 0) this.stats.resends++;
        let result: AckResult<{ message: MessageView }>;
        try {
          result = await socket.timeout(this.ackTimeoutMs).emitWithAck("message:send", { conversationId: this.options.conversationId, clientMsgId: entry.clientMsgId, body: entry.body });
        } catch {
          this.stats.noAck++; // timed out or disconnected: the outcome is unknown, so the same id goes again
          this.changed();
          continue;
        }
        if (result.ok) {
          this.merge([result.data.message]);
          delay = BACKOFF_START_MS;
          continue;
        }
        if (result.error.retriable) {
          this.stats.unavailable++;
          this.changed();
          await this.backoff(delay);
          delay = Math.min(delay * 2, BACKOFF_MAX_MS);
          continue;
        }
        this.outbox.shift(); // BAD_INPUT, NOT_FOUND, CONFLICT, INTERNAL: failed, not retried unchanged
        entry.reject(new Error(`${this.options.name}: message:send failed with ${result.error.code}: ${result.error.message}`));
      }
    } finally {
      this.flushing = false;
      this.changed();
    }
    if (this.outbox.length > 0 && this.socket?.connected && !this.closed) void this.flush(); // connected again meanwhile
  }

  /** Waits before a retry; a reconnect or close cuts the wait short. */
  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  /** §12 merge: held by seq (copies collapse), and own messages leave the outbox however they arrive. */
  private merge(messages: MessageView[]): void {
    for (const message of messages) {
      const known = this.held.get(message.seq);
      if (known && known.id !== message.id) this.conflicts.push([known, message]);
      this.held.set(message.seq, message);
      if (message.senderDeviceId !== this.options.deviceId) continue;
      const index = this.outbox.findIndex((entry) => entry.clientMsgId === message.clientMsgId);
      if (index >= 0) this.outbox.splice(index, 1)[0].resolve(message);
    }
    this.changed();
  }

  private changed(): void {
    this.changes.emit("change");
  }
}

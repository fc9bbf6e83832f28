// The processes a bench run starts (servers, redis-server, generator workers) and what it reads about
// them from /proc: CPU time (utime + stime of /proc/<pid>/stat) and resident memory (VmRSS and the
// peak VmHWM of /proc/<pid>/status). Every process started here is registered, so a failed or
// interrupted run still stops all of them, by pid.
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { freePort } from "../tests/support/free-port.ts";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { FromWorker, ToWorker } from "./protocol.ts";

export const ROOT = join(import.meta.dirname, "..");
const PROBE = pathToFileURL(join(import.meta.dirname, "probe.ts")).href;
const START_TIMEOUT_MS = 90_000; // a first PGlite start initialises a database in wasm, on a busy machine

const started = new Set<ChildProcess>();

/** SIGKILL for every process this run started and that is still running (exit handler, failures). */
export function killAllSync(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export type ProcSample = { cpuSeconds: number; rssBytes: number; peakRssBytes: number };

/** CPU time so far and memory of a process, or undefined once it is gone. */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // the name may hold spaces; fields from 3 on
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15)
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { cpuSeconds, rssBytes: kb("VmRSS"), peakRssBytes: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

export { freePort };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()));

/** Last lines of a log file, for an error message. */
export function tailOf(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export type MemoryUsage = { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; collected: boolean };

/** A server the bench started: Parley or the relay, its output in `logFile`. */
export class ServerProcess {
  constructor(
    readonly name: string,
    readonly url: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  sample(): ProcSample | undefined {
    return readProc(this.pid);
  }

  /** process.memoryUsage() after a forced GC, from the probe preloaded into the server. */
  memory(): Promise<MemoryUsage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no memory report within 10 s`)), 10_000);
      const onMessage = (message: { type?: string } & MemoryUsage) => {
        if (message?.type !== "memory") return;
        clearTimeout(timer);
        this.child.off("message", onMessage);
        resolve(message);
      };
      this.child.on("message", onMessage);
      this.child.send({ type: "memory" });
    });
  }

  /** SIGTERM (Parley closes its sockets and pool), SIGKILL if it is still up after 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    const deadline = sleep(15_000).then(() => "late" as const);
    if ((await Promise.race([exited(this.child), deadline])) === "late") this.child.kill("SIGKILL");
    await exited(this.child);
    started.delete(this.child);
  }
}

/**
 * Starts a Node server (`entry`, a .ts file run through tsx) with the memory probe and an IPC channel,
 * its output to `logFile`, and waits until GET /api/health answers 200.
 */
export async function startServer({ name, entry, args = [], env, port, logFile, nodeFlags = [] }: { name: string; entry: string; args?: string[]; env: NodeJS.ProcessEnv; port: number; logFile: string; nodeFlags?: string[] }): Promise<ServerProcess> {
  const log = openSync(logFile, "a");
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, "--expose-gc", "--import", "tsx", "--import", PROBE, entry, ...args], { cwd: ROOT, env, stdio: ["ignore", log, log, "ipc"] });
  closeSync(log);
  started.add(child);
  const server = new ServerProcess(name, `http://127.0.0.1:${port}`, child, logFile);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready; its log (${logFile}):\n${tailOf(logFile)}`);
    try {
      const response = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name}: not ready within ${START_TIMEOUT_MS / 1000} s; its log (${logFile}):\n${tailOf(logFile)}`);
    }
    await sleep(100);
  }
}

/** A redis-server of the run's own: nothing persisted, loopback only. */
export async function startRedis(logFile: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const log = openSync(logFile, "a");
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", log, log] });
  closeSync(log);
  started.add(child);
  const deadline = Date.now() + 20_000;
  while (!readFileSync(logFile, "utf8").includes("Ready to accept connections")) {
    if (child.exitCode !== null) throw new Error(`redis-server exited before it was ready:\n${tailOf(logFile)}`);
    if (Date.now() > deadline) throw new Error(`redis-server not ready within 20 s:\n${tailOf(logFile)}`);
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      child.kill("SIGTERM");
      await exited(child);
      started.delete(child);
    },
  };
}

/** A generator process (bench/worker.ts) and a typed way to talk to it. */
export class Worker {
  private readonly waiting = new Map<FromWorker["type"], { resolve: (message: FromWorker) => void; reject: (err: Error) => void }>();
  private failure?: Error;
  onProgress?: (message: Extract<FromWorker, { type: "progress" }>) => void;

  private constructor(readonly child: ChildProcess) {
    child.on("message", (message: FromWorker) => {
      if (message.type === "progress") return this.onProgress?.(message);
      if (message.type === "error") return this.fail(new Error(`generator ${child.pid}: ${message.message}`));
      const waiter = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      waiter?.resolve(message);
    });
    child.once("exit", (code, signal) => this.fail(new Error(`generator ${child.pid} exited (${code ?? signal})`)));
  }

  static async start(): Promise<Worker> {
    const child = fork(join(import.meta.dirname, "worker.ts"), [], { cwd: ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    started.add(child);
    const worker = new Worker(child);
    await worker.next("ready");
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(message: ToWorker): void {
    this.child.send(message);
  }

  /** The next message of `type` from this worker (register before sending what causes it). */
  next<T extends FromWorker["type"]>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(type, { resolve: (message) => resolve(message as Extract<FromWorker, { type: T }>), reject });
    });
  }

  async request<T extends FromWorker["type"]>(message: ToWorker, reply: T): Promise<Extract<FromWorker, { type: T }>> {
    const answer = this.next(reply);
    this.send(message);
    return answer;
  }

  async close(): Promise<void> {
    if (this.child.connected) this.child.send({ type: "close" } satisfies ToWorker);
    const deadline = sleep(10_000).then(() => "late" as const);
    if ((await Promise.race([exited(this.child), deadline])) === "late") this.child.kill("SIGKILL");
    await exited(this.child);
    started.delete(this.child);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const { reject } of this.waiting.values()) reject(err);
    this.waiting.clear();
  }
}

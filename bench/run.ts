// npm run bench [-- flags]: Parley against a bare Socket.IO relay, same machine, same run. See
// docs/benchmarks.md for what each figure means. The report (Markdown) goes to stdout, the progress
// line to stderr; --json writes the same figures as JSON.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundleSizes } from "./bundle-size.ts";
import { deploy, type Mode, type Target } from "./deploy.ts";
import { runLoad, startGenerators, type LoadRun } from "./load.ts";
import { progress, progressDone } from "./meter.ts";
import { commitLatencyMs, postgresSettings } from "./parley-setup.ts";
import { killAllSync, ROOT } from "./processes.ts";
import { formatReport, type Results } from "./report.ts";
import { runScale, type ScaleRun } from "./scale.ts";
import { num } from "./stats.ts";

const HELP = `npm run bench -- [flags]

  --modes LIST        which measurements, comma-separated: single, redis, pglite, scale (default: all four)
  --pairs P           visitor–agent pairs under load (default 50)
  --rates LIST        total send rates in msg/s, one phase each; "max" = as fast as acks return (default 1000,max)
  --duration S        seconds per phase (default 10)
  --warmup S          unmeasured warm-up before the first phase, at up to 500 msg/s (default 2)
  --window W          messages in flight per visitor in a "max" phase (default 4)
  --generators G      generator processes for the load phases (default 1)
  --drain S           after a phase, how long to wait for the last acks and deliveries (default 15)
  --connections N     idle visitor sockets in the scale measurement (default 10000)
  --per-process K     idle sockets per generator process (default 5000; keep under ulimit -n)
  --postgres URL      PostgreSQL to create the run's databases on (default $BENCH_POSTGRES_URL or
                      postgres://postgres@127.0.0.1:5432/postgres)
  --log-level LEVEL   the servers' LOG_LEVEL (default info)
  --json FILE         also write the figures as JSON
  --cpu-prof          write a V8 CPU profile of every server (node --cpu-prof) into the logs directory,
                      a folder of .cpuprofile files per server (one per thread), for Chrome DevTools; implies --keep-logs
  --keep-logs         keep the servers' logs (always kept when the run fails)
  --quick             a tiny load that only proves the bench works: one node, 2 pairs, 20 msg/s for 1 s
                      (with --modes scale: 20 idle sockets)
`;

/** A bad flag: say which, show the help, and stop before anything is started. */
function usage(message: string): never {
  process.stderr.write(`${message}\n\n${HELP}`);
  process.exit(2);
}

const FLAGS = {
  modes: { type: "string" },
  pairs: { type: "string" },
  rates: { type: "string" },
  duration: { type: "string" },
  warmup: { type: "string" },
  window: { type: "string" },
  generators: { type: "string" },
  drain: { type: "string" },
  connections: { type: "string" },
  "per-process": { type: "string" },
  postgres: { type: "string" },
  "log-level": { type: "string" },
  json: { type: "string" },
  "cpu-prof": { type: "boolean" },
  "keep-logs": { type: "boolean" },
  quick: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const { values } = (() => {
  try {
    return parseArgs({ options: FLAGS });
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
})();
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const quick = values.quick ?? false;
const positive = (name: string, raw: string | undefined, fallback: number, { integer = true, zero = false } = {}) => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!zero && value === 0) || (integer && !Number.isInteger(value))) usage(`--${name}: expected a ${integer ? "whole " : ""}number${zero ? "" : " above 0"}, got "${raw}"`);
  return value;
};
const ALL_MODES = ["single", "redis", "pglite", "scale"] as const;
const modes = (values.modes ?? (quick ? "single" : ALL_MODES.join(","))).split(",").map((mode) => mode.trim());
for (const mode of modes) if (!(ALL_MODES as readonly string[]).includes(mode)) usage(`--modes: unknown mode "${mode}" (use ${ALL_MODES.join(", ")})`);
const rateList = (values.rates ?? (quick ? "20" : "1000,max")).split(",").map((rate) => (rate.trim() === "max" ? ("max" as const) : positive("rates", rate.trim(), 0, { integer: false })));
const options = {
  rates: rateList,
  pairs: positive("pairs", values.pairs, quick ? 2 : 50),
  durationS: positive("duration", values.duration, quick ? 1 : 10, { integer: false }),
  warmupS: positive("warmup", values.warmup, quick ? 0 : 2, { integer: false, zero: true }),
  window: positive("window", values.window, 4),
  generators: positive("generators", values.generators, 1),
  drainS: positive("drain", values.drain, quick ? 5 : 15, { integer: false }),
  connections: positive("connections", values.connections, quick ? 20 : 10_000),
  perProcess: positive("per-process", values["per-process"], 5_000),
  postgresUrl: values.postgres ?? process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  logLevel: values["log-level"] ?? "info",
  cpuProfile: values["cpu-prof"] ?? false,
};

/** The soft limit on open files this process (and the servers it starts) has. */
function openFileLimit(): number {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"))?.[1];
  return line === undefined || line === "unlimited" ? Infinity : Number(line);
}
const fdLimit = openFileLimit();
if (modes.includes("scale") && (options.connections + 500 > fdLimit || options.perProcess + 500 > fdLimit)) {
  usage(`--connections ${options.connections} / --per-process ${options.perProcess} need more open files than ulimit -n allows here (${fdLimit}): raise it (ulimit -n) or lower them`);
}

const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
const redisVersion = () => {
  try {
    return /v=(\S+)/.exec(execFileSync("redis-server", ["--version"], { encoding: "utf8" }))?.[1] ?? "?";
  } catch {
    return "not installed";
  }
};

const runDir = mkdtempSync(join(tmpdir(), "parley-bench-"));
process.on("exit", killAllSync);
let interrupted = false;
process.on("SIGINT", () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  progressDone();
  process.stderr.write("interrupted: stopping the servers and dropping the run's databases (^C again to leave them)\n");
  killAllSync(); // the run fails where it stands; its cleanups then drop the databases
});

async function measure(mode: Mode, target: Target): Promise<LoadRun> {
  const label = `${mode} · ${target === "relay" ? "relay" : "Parley"}`;
  const generators = startGenerators(options, options.pairs);
  const deployment = await deploy({ name: mode, mode, target, agents: options.pairs, visitorsPerAgent: 1, runDir, postgresUrl: options.postgresUrl, logLevel: options.logLevel, cpuProfileDir: options.cpuProfile ? runDir : undefined, onSetupProgress: (text) => progress(`[${label}] ${text}`) }).catch(async (err: unknown) => {
    await generators.then((workers) => Promise.all(workers.map((worker) => worker.close()))).catch(() => undefined);
    throw err;
  });
  try {
    return await runLoad(deployment, await generators, options, label);
  } finally {
    progress(`[${label}] stopping`);
    await deployment.stop();
    progressDone();
  }
}

async function measureScale(target: Target): Promise<ScaleRun> {
  const label = `scale · ${target === "relay" ? "relay" : "Parley"}`;
  const deployment = await deploy({ name: "scale", mode: "single", target, agents: 1, visitorsPerAgent: options.connections, runDir, postgresUrl: options.postgresUrl, logLevel: options.logLevel, cpuProfileDir: options.cpuProfile ? runDir : undefined, onSetupProgress: (text) => progress(`[${label}] ${text}`) });
  try {
    return await runScale(deployment, { perProcess: options.perProcess, fanOutWindow: 200, fanOutTimeoutS: 300 }, label);
  } finally {
    progress(`[${label}] stopping`);
    await deployment.stop();
    progressDone();
  }
}

async function main(): Promise<void> {
  const usesPostgres = modes.some((mode) => mode !== "pglite");
  const software = [`Node ${process.version}`, `socket.io ${version("socket.io")}`, `socket.io-client ${version("socket.io-client")}`];
  if (modes.includes("redis")) software.push(`@socket.io/redis-adapter ${version("@socket.io/redis-adapter")}`, `redis-server ${redisVersion()}`);
  if (usesPostgres) {
    const commit = await commitLatencyMs(options.postgresUrl);
    software.push(`${await postgresSettings(options.postgresUrl)}, one-row commit p50 ${num(commit.p50)} · p99 ${num(commit.p99)} · max ${num(commit.max)} ms`);
  }
  if (modes.includes("pglite")) software.push(`PGlite ${version("@electric-sql/pglite")}`);
  const results: Results = {
    header: {
      date: new Date().toISOString().replace(/:\d\d\.\d+Z$/, " UTC").replace("T", " "),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${num(totalmem() / 1024 ** 3)} GB RAM, load average at start ${loadavg()
        .map((load) => load.toFixed(2))
        .join(" / ")}`,
      software: software.join(" · "),
      command: `node --import tsx bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
      notes: [
        `generator: ${options.generators} process(es) for the load phases${modes.includes("scale") ? `, ${Math.ceil(options.connections / options.perProcess)} + 1 for the scale measurement` : ""}, on the same machine; open-file limit ${fdLimit}`,
        "servers: started by the bench without Next.js (bench/parley-node.ts, bench/relay.ts), NODE_ENV=production, rate limits off",
      ],
    },
    load: {},
  };
  for (const mode of modes) {
    if (mode === "scale") continue;
    const relay = await measure(mode as Mode, "relay");
    const parley = await measure(mode as Mode, "parley");
    results.load[mode as Mode] = { relay, parley };
  }
  if (modes.includes("scale")) results.scale = { relay: await measureScale("relay"), parley: await measureScale("parley") };
  results.bundles = await bundleSizes();

  process.stdout.write(`${formatReport(results, options)}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
}

main().then(
  () => {
    if (values["keep-logs"] || options.cpuProfile) process.stderr.write(`servers' logs: ${runDir}\n`);
    else rmSync(runDir, { recursive: true, force: true });
    process.exit(0);
  },
  (err: unknown) => {
    progressDone();
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nservers' logs: ${runDir}\n`);
    process.exit(1);
  },
);

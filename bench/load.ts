// Visitor–agent pairs under load: the generator processes connect every pair (visitor on node A, agent
// on node B in redis mode), then each phase sends at a set total rate (or as fast as acks come back)
// for a set time, and counts and times every message from the visitor's send to the agent's delivery.
import type { Deployment } from "./deploy.ts";
import { CpuMeter, progress, progressDone } from "./meter.ts";
import { Worker } from "./processes.ts";
import type { FromWorker, LoadCounts, Pair } from "./protocol.ts";
import { percentiles, type Percentiles } from "./stats.ts";

export type LoadOptions = { rates: (number | "max")[]; durationS: number; warmupS: number; window: number; generators: number; drainS: number };

export type PhaseResult = {
  rate: number | "max";
  counts: LoadCounts;
  /** Sent but never delivered to the agent, whatever the reason. */
  lost: number;
  durationS: number;
  /** Delivered messages per second, from the first send to the last delivery. */
  throughput: number;
  latencyMs: Percentiles;
  ackMs: Percentiles;
  serverCpuS: number;
  /** Peak resident memory of each server process over its life so far (VmHWM). */
  serverPeakRssBytes: number[];
  databaseCpuS: number;
  redisCpuS: number;
  generatorCpuS: number;
  firstError?: string;
};

/** `refused`: sockets whose handshake failed; their pairs sit out the load (the report says so). */
export type LoadRun = { pairs: number; connectS: number; refused: number; refusal?: string; phases: PhaseResult[] };

const ACK_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The generator processes for runLoad, started while the servers come up. */
export const startGenerators = (options: LoadOptions, pairs: number) => Promise.all(Array.from({ length: Math.max(1, Math.min(options.generators, pairs)) }, () => Worker.start()));

export async function runLoad(deployment: Deployment, workers: Worker[], options: LoadOptions, label: string): Promise<LoadRun> {
  const pairs: Pair[] = deployment.conversations.map((conversation) => ({ conversationId: conversation.conversationId, visitor: conversation.visitor, agent: deployment.agents[conversation.agentIndex]! }));
  const count = workers.length;
  try {
    progress(`[${label}] connecting ${pairs.length} pairs`);
    const shares = workers.map((_, i) => pairs.filter((_, j) => j % count === i));
    const connected = await Promise.all(workers.map((worker, i) => worker.request({ type: "connect-pairs", visitorUrl: deployment.visitorUrl, agentUrl: deployment.agentUrl, pairs: shares[i]!, concurrency: 32 }, "connected")));
    const refused = connected.reduce((sum, c) => sum + c.failed, 0);
    const refusal = connected.find((c) => c.firstError)?.firstError;
    if (refused >= pairs.length) throw new Error(`${label}: ${refused} of ${pairs.length * 2} sockets failed to connect; first error: ${refusal}`);
    const connectS = (Math.max(...connected.map((c) => c.doneAt)) - Math.min(...connected.map((c) => c.startedAt))) / 1000;

    // JIT and pools warm up before anything is measured; the warm-up's figures are dropped.
    if (options.warmupS > 0) await runPhase(deployment, workers, options, { rate: Math.min(typeof options.rates[0] === "number" ? options.rates[0] : 500, 500), durationS: options.warmupS }, `${label} · warm-up`);
    const phases: PhaseResult[] = [];
    for (const rate of options.rates) {
      await sleep(500);
      phases.push(await runPhase(deployment, workers, options, { rate, durationS: options.durationS }, `${label} · ${rate === "max" ? "max" : `${rate}/s`}`));
    }
    return { pairs: pairs.length, connectS, refused, refusal, phases };
  } finally {
    progressDone();
    await Promise.all(workers.map((worker) => worker.close()));
  }
}

async function runPhase(deployment: Deployment, workers: Worker[], options: LoadOptions, { rate, durationS }: { rate: number | "max"; durationS: number }, label: string): Promise<PhaseResult> {
  const servers = new CpuMeter(() => deployment.servers.map((server) => server.pid));
  const database = new CpuMeter(deployment.databasePids);
  const redis = new CpuMeter(() => (deployment.redisPid ? [deployment.redisPid] : []));
  const generators = new CpuMeter(() => workers.map((worker) => worker.pid));
  const meters = [servers, database, redis, generators];
  await Promise.all(meters.map((meter) => meter.start()));

  const latest = new Map<Worker, LoadCounts>();
  for (const worker of workers) worker.onProgress = (message) => latest.set(worker, message.counts);
  const startedAt = performance.now();
  const ticker = setInterval(() => {
    void (async () => {
      const percent = await servers.percentSinceLast();
      await Promise.all([database, redis, generators].map((meter) => meter.sample()));
      const sum = (key: keyof LoadCounts) => [...latest.values()].reduce((total, counts) => total + counts[key], 0);
      const elapsed = (performance.now() - startedAt) / 1000;
      const phase = elapsed <= durationS ? `${elapsed.toFixed(1)}/${durationS} s` : `draining ${(elapsed - durationS).toFixed(1)} s`;
      progress(`[${label}] ${phase} · sent ${sum("sent")} · acked ${sum("acked")} · delivered ${sum("delivered")} · failed ${sum("failed")} · server CPU ${percent.toFixed(0)}%`);
    })();
  }, 1000);

  let results: Extract<FromWorker, { type: "load-done" }>[];
  try {
    const perWorker = rate === "max" ? "max" : rate / workers.length;
    const spec = { rate: perWorker, window: options.window, durationMs: durationS * 1000, drainMs: options.drainS * 1000, ackTimeoutMs: ACK_TIMEOUT_MS } as const;
    results = await Promise.all(workers.map((worker) => worker.request({ type: "load", spec }, "load-done")));
  } finally {
    clearInterval(ticker);
    for (const worker of workers) worker.onProgress = undefined;
  }
  await Promise.all(meters.map((meter) => meter.sample()));

  const counts: LoadCounts = { sent: 0, acked: 0, failed: 0, retried: 0, delivered: 0, doubled: 0 };
  for (const result of results) for (const key of Object.keys(counts) as (keyof LoadCounts)[]) counts[key] += result.counts[key];
  const firstSendAt = Math.min(...results.map((result) => result.firstSendAt).filter((at) => at > 0));
  const lastDeliveryAt = Math.max(...results.map((result) => result.lastDeliveryAt));
  const elapsedS = (lastDeliveryAt - firstSendAt) / 1000;
  return {
    rate,
    counts,
    lost: counts.sent - counts.delivered,
    durationS: elapsedS,
    throughput: elapsedS > 0 ? counts.delivered / elapsedS : NaN,
    latencyMs: percentiles(results.flatMap((result) => result.latenciesMs)),
    ackMs: percentiles(results.flatMap((result) => result.ackLatenciesMs)),
    serverCpuS: servers.used(),
    serverPeakRssBytes: deployment.servers.map((server) => server.sample()?.peakRssBytes ?? NaN),
    databaseCpuS: database.used(),
    redisCpuS: redis.used(),
    generatorCpuS: generators.used(),
    firstError: results.find((result) => result.firstError)?.firstError,
  };
}

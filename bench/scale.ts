// Connection scale: N idle visitor sockets held on one node by several generator processes (a process
// holds at most `perProcess` sockets, under its file descriptor limit), the server's memory per socket,
// the time to connect them all, then one message from the agent into each conversation and the time
// until every visitor has it.
import type { Deployment } from "./deploy.ts";
import { CpuMeter, progress, progressDone } from "./meter.ts";
import { Worker, type MemoryUsage } from "./processes.ts";
import type { FromWorker } from "./protocol.ts";
import { percentiles, type Percentiles } from "./stats.ts";

export type ScaleOptions = { perProcess: number; fanOutWindow: number; fanOutTimeoutS: number };

export type ScaleRun = {
  connections: number;
  connected: number;
  connectFailed: number;
  connectS: number;
  before: MemoryUsage;
  after: MemoryUsage;
  /** (after − before) / connected, after a forced GC in the server. */
  rssPerSocketBytes: number;
  heapPerSocketBytes: number;
  serverPeakRssBytes: number;
  connectCpuS: number;
  fanOut: { acked: number; failed: number; received: number; doubled: number; ackedAllS: number; allDeliveredS: number; latencyMs: Percentiles; cpuS: number; firstError?: string };
  firstError?: string;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runScale(deployment: Deployment, options: ScaleOptions, label: string): Promise<ScaleRun> {
  const server = deployment.servers[0]!;
  const visitors = deployment.conversations.map((conversation) => ({ conversationId: conversation.conversationId, credentials: conversation.visitor }));
  const holders = await Promise.all(Array.from({ length: Math.max(1, Math.ceil(visitors.length / options.perProcess)) }, () => Worker.start()));
  const sender = await Worker.start();
  const cpu = new CpuMeter(() => [server.pid]);
  try {
    await sleep(1000); // let the setup's requests settle before the baseline
    const before = await server.memory();
    await cpu.start();
    const ticker = setInterval(() => {
      const sample = server.sample();
      progress(`[${label}] connecting ${visitors.length} sockets · server RSS ${((sample?.rssBytes ?? 0) / 1024 / 1024).toFixed(0)} MB`);
    }, 1000);
    const connected = await Promise.all(
      holders.map((holder, i) => holder.request({ type: "connect-idle", url: deployment.visitorUrl, visitors: visitors.slice(i * options.perProcess, (i + 1) * options.perProcess), concurrency: 64 }, "connected")),
    ).finally(() => clearInterval(ticker));
    await cpu.sample();
    const connectCpuS = cpu.used();
    const connectS = (Math.max(...connected.map((c) => c.doneAt)) - Math.min(...connected.map((c) => c.startedAt))) / 1000;
    const count = connected.reduce((sum, c) => sum + c.count, 0);
    await sleep(1000);
    const after = await server.memory();

    const fanOutStartedAt = performance.now();
    const fanOutTicker = setInterval(() => progress(`[${label}] one message to each of ${count} visitors · ${((performance.now() - fanOutStartedAt) / 1000).toFixed(0)} s`), 1000);
    await cpu.start();
    let sent: Extract<FromWorker, { type: "fan-out-sent" }>;
    let received: Extract<FromWorker, { type: "fan-out-received" }>[];
    try {
      const waits = holders.map((holder) => holder.request({ type: "await-fan-out", timeoutMs: options.fanOutTimeoutS * 1000 }, "fan-out-received"));
      for (const wait of waits) wait.catch(() => undefined); // if the sender fails first, these fail with the holders' exit: already reported
      sent = await sender.request(
        { type: "fan-out", url: deployment.agentUrl, sender: deployment.agents[0]!, conversationIds: visitors.map((visitor) => visitor.conversationId), window: options.fanOutWindow, ackTimeoutMs: 15_000 },
        "fan-out-sent",
      );
      received = await Promise.all(waits);
    } finally {
      clearInterval(fanOutTicker);
    }
    await cpu.sample();
    const lastAt = Math.max(...received.map((r) => r.lastAt));
    return {
      connections: visitors.length,
      connected: count,
      connectFailed: connected.reduce((sum, c) => sum + c.failed, 0),
      connectS,
      before,
      after,
      rssPerSocketBytes: (after.rss - before.rss) / Math.max(1, count),
      heapPerSocketBytes: (after.heapUsed + after.external - before.heapUsed - before.external) / Math.max(1, count),
      serverPeakRssBytes: server.sample()?.peakRssBytes ?? NaN,
      connectCpuS,
      fanOut: {
        acked: sent.acked,
        failed: sent.failed,
        received: received.reduce((sum, r) => sum + r.received, 0),
        doubled: received.reduce((sum, r) => sum + r.doubled, 0),
        ackedAllS: (sent.doneAt - sent.startedAt) / 1000,
        allDeliveredS: lastAt > 0 ? (lastAt - sent.startedAt) / 1000 : NaN,
        latencyMs: percentiles(received.flatMap((r) => r.latenciesMs)),
        cpuS: cpu.used(),
        firstError: sent.firstError,
      },
      firstError: connected.find((c) => c.firstError)?.firstError,
    };
  } finally {
    progressDone();
    await Promise.all([...holders, sender].map((worker) => worker.close()));
  }
}

// The bench's report: Markdown tables (Parley beside the relay, and Parley / relay), then the targets of
// issue 8 with what this run measured. The same figures go to --json.
import type { BundleSizes } from "./bundle-size.ts";
import type { Mode } from "./deploy.ts";
import type { LoadRun, PhaseResult } from "./load.ts";
import type { ScaleRun } from "./scale.ts";
import { kb, mb, num, ratio } from "./stats.ts";

export type Results = {
  header: { date: string; machine: string; software: string; command: string; notes: string[] };
  load: Partial<Record<Mode, { relay: LoadRun; parley: LoadRun }>>;
  scale?: { relay: ScaleRun; parley: ScaleRun };
  bundles?: BundleSizes;
};

export const MODE_TITLES: Record<Mode, string> = {
  single: "One node, PostgreSQL",
  redis: "Two nodes over Redis (visitor on node A, agent on node B), PostgreSQL",
  pglite: "One node, embedded PGlite (Parley's default)",
};

type Row = [label: string, relay: string, parley: string, ratio: string];
const table = (title: string, rows: Row[]) => [`| ${title} | relay | Parley | Parley / relay |`, "|---|---:|---:|---:|", ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");

const rateTitle = (rate: number | "max", window: number | undefined) => (rate === "max" ? `as fast as acks return${window ? ` (${window} in flight per visitor)` : ""}` : `at ${num(rate)} msg/s`);

function phaseRows(relay: PhaseResult, parley: PhaseResult, mode: Mode): Row[] {
  const both = (label: string, pick: (phase: PhaseResult) => number | undefined, withRatio = true, digits?: number): Row => [label, num(pick(relay), digits), num(pick(parley), digits), withRatio ? ratio(pick(parley), pick(relay)) : ""];
  const perMessageUs = (phase: PhaseResult) => (phase.counts.delivered ? (phase.serverCpuS / phase.counts.delivered) * 1e6 : NaN);
  const rss = (phase: PhaseResult) => phase.serverPeakRssBytes.map((bytes) => num(mb(bytes))).join(" / ");
  return [
    both("sent", (p) => p.counts.sent, false),
    both("acked", (p) => p.counts.acked, false),
    both("delivered", (p) => p.counts.delivered, false),
    both("lost", (p) => p.lost, false),
    both("doubled", (p) => p.counts.doubled, false),
    both("failed", (p) => p.counts.failed, false),
    both("retried (retriable errors)", (p) => p.counts.retried, false),
    both("throughput (msg/s)", (p) => p.throughput),
    both("latency p50 (ms)", (p) => p.latencyMs.p50),
    both("latency p95 (ms)", (p) => p.latencyMs.p95),
    both("latency p99 (ms)", (p) => p.latencyMs.p99),
    both("latency max (ms)", (p) => p.latencyMs.max),
    both("ack p50 (ms)", (p) => p.ackMs.p50),
    both("ack p99 (ms)", (p) => p.ackMs.p99),
    both("server CPU (s)", (p) => p.serverCpuS),
    both("server CPU per message (µs)", perMessageUs),
    [`server peak RSS (MB)${mode === "redis" ? ", node A / B" : ""}`, rss(relay), rss(parley), ""],
    ...(mode === "pglite" ? [] : ([["PostgreSQL CPU (s)", "—", num(parley.databaseCpuS), ""]] as Row[])),
    ...(mode === "redis" ? [both("redis-server CPU (s)", (p) => p.redisCpuS)] : []),
    both("generator CPU (s)", (p) => p.generatorCpuS),
  ];
}

function scaleRows(relay: ScaleRun, parley: ScaleRun): Row[] {
  const both = (label: string, pick: (run: ScaleRun) => number | undefined, withRatio = true): Row => [label, num(pick(relay)), num(pick(parley)), withRatio ? ratio(pick(parley), pick(relay)) : ""];
  return [
    both("sockets connected", (r) => r.connected, false),
    both("sockets refused", (r) => r.connectFailed, false),
    both("time to connect all (s)", (r) => r.connectS),
    both("connections per second", (r) => r.connected / r.connectS),
    both("server CPU while connecting (s)", (r) => r.connectCpuS),
    both("memory per socket, RSS (KB)", (r) => kb(r.rssPerSocketBytes)),
    both("memory per socket, JS heap + external (KB)", (r) => kb(r.heapPerSocketBytes)),
    ["server RSS before → after (MB)", `${num(mb(relay.before.rss))} → ${num(mb(relay.after.rss))}`, `${num(mb(parley.before.rss))} → ${num(mb(parley.after.rss))}`, ""],
    both("server peak RSS (MB)", (r) => mb(r.serverPeakRssBytes)),
    both("one message to each: acked", (r) => r.fanOut.acked, false),
    both("one message to each: delivered", (r) => r.fanOut.received, false),
    both("one message to each: lost", (r) => r.connected - r.fanOut.received, false),
    both("one message to each: doubled", (r) => r.fanOut.doubled, false),
    both("time until all acked (s)", (r) => r.fanOut.ackedAllS),
    both("time until all have it (s)", (r) => r.fanOut.allDeliveredS),
    both("delivery p50 (ms)", (r) => r.fanOut.latencyMs.p50),
    both("delivery p99 (ms)", (r) => r.fanOut.latencyMs.p99),
    both("server CPU for the fan-out (s)", (r) => r.fanOut.cpuS),
  ];
}

type Target = { name: string; measured: string; met: boolean };

function targets(results: Results): Target[] {
  const list: Target[] = [];
  const phases = Object.values(results.load).flatMap((run) => run.parley.phases);
  const refused = Object.values(results.load).reduce((sum, run) => sum + run.parley.refused, 0);
  if (refused) list.push({ name: "every socket of the load phases connected", measured: `${refused} refused`, met: false });
  if (phases.length) {
    const bad = phases.filter((phase) => phase.lost > 0 || phase.counts.doubled > 0);
    list.push({ name: "delivered = sent, nothing doubled, in every phase", measured: bad.length ? `${bad.length} phase(s) lost or doubled` : `${phases.length} phase(s) clean`, met: bad.length === 0 });
  }
  for (const mode of ["single", "redis"] as const) {
    const run = results.load[mode];
    const index = run?.parley.phases.findIndex((phase) => phase.rate === "max") ?? -1;
    if (run && index >= 0) {
      const share = run.parley.phases[index]!.throughput / run.relay.phases[index]!.throughput;
      list.push({ name: `${mode === "single" ? "one node" : "two nodes"}: throughput ≥ 60% of the relay's`, measured: `${num(share * 100, 0)}%`, met: share >= 0.6 });
    }
  }
  for (const [mode, run] of Object.entries(results.load)) {
    const index = run.parley.phases.findIndex((phase) => phase.rate === 1000);
    if (index < 0) continue;
    const factor = run.parley.phases[index]!.latencyMs.p99 / run.relay.phases[index]!.latencyMs.p99;
    list.push({ name: `${mode}: p99 at 1,000 msg/s ≤ 2× the relay's`, measured: `×${num(factor, 2)}`, met: factor <= 2 });
  }
  // Below a thousand sockets, the allocator's and the GC's noise outweighs the sockets themselves.
  if (results.scale && results.scale.parley.connected >= 1000) {
    // The larger of the two: RSS misses memory reused from earlier garbage, the heap misses native buffers.
    const perSocket = kb(Math.max(results.scale.parley.rssPerSocketBytes, results.scale.parley.heapPerSocketBytes))!;
    list.push({ name: `${num(results.scale.parley.connected)} idle sockets: ≤ 20 KB of server memory each (the larger of RSS and heap)`, measured: `${num(perSocket)} KB`, met: perSocket <= 20 && results.scale.parley.connectFailed === 0 });
  }
  if (results.bundles) {
    const loader = kb(results.bundles.loader.gzipBytes)!;
    list.push({ name: "loader ≤ 5 KB gzipped", measured: `${num(loader)} KB`, met: loader <= 5 });
    const window = results.bundles.visitorWindow;
    if ("gzipBytes" in window) list.push({ name: "visitor window first load ≤ 100 KB of gzipped JS", measured: `${num(kb(window.gzipBytes))} KB`, met: kb(window.gzipBytes)! <= 100 });
  }
  return list;
}

export function formatReport(results: Results, options: { pairs: number; durationS: number; window: number }): string {
  const { header } = results;
  const out: string[] = [`## Parley bench, ${header.date}`, "", `- machine: ${header.machine}`, `- software: ${header.software}`, `- command: \`${header.command}\``, ...header.notes.map((note) => `- ${note}`)];
  for (const [mode, run] of Object.entries(results.load) as [Mode, { relay: LoadRun; parley: LoadRun }][]) {
    out.push("", `### ${MODE_TITLES[mode]}: ${num(options.pairs)} visitor–agent pairs, ${num(options.durationS)} s per phase`);
    out.push("", `Connecting the pairs took ${num(run.relay.connectS)} s (relay) and ${num(run.parley.connectS)} s (Parley).`);
    for (const [name, r] of [["relay", run.relay], ["Parley", run.parley]] as const) {
      if (r.refused) out.push("", `**${name}: ${r.refused} of ${r.pairs * 2} sockets were refused at the handshake** (first: ${r.refusal}); their pairs sat out the load.`);
    }
    run.parley.phases.forEach((phase, i) => {
      const relay = run.relay.phases[i]!;
      out.push("", table(rateTitle(phase.rate, phase.rate === "max" ? options.window : undefined), phaseRows(relay, phase, mode)));
      for (const [name, p] of [["relay", relay], ["Parley", phase]] as const) if (p.firstError) out.push("", `${name}'s first error: ${p.firstError}`);
    });
  }
  if (results.scale) {
    const { relay, parley } = results.scale;
    out.push("", `### Connection scale: ${num(parley.connections)} idle visitor sockets on one node`, "", table("idle sockets", scaleRows(relay, parley)));
    for (const [name, run] of [["relay", relay], ["Parley", parley]] as const) {
      if (run.firstError) out.push("", `${name}'s first connect error: ${run.firstError}`);
      if (run.fanOut.firstError) out.push("", `${name}'s first fan-out error: ${run.fanOut.firstError}`);
    }
  }
  if (results.bundles) {
    const { loader, visitorWindow } = results.bundles;
    out.push("", "### Download sizes (gzip -9)", "", "| what | gzipped | raw |", "|---|---:|---:|");
    out.push(`| loader (${loader.source}) | ${num(kb(loader.gzipBytes))} KB | ${num(kb(loader.bytes))} KB |`);
    if ("gzipBytes" in visitorWindow) {
      const { lazy } = visitorWindow;
      out.push(`| visitor window /im, first-load JS (${visitorWindow.files} files, entry ${visitorWindow.buildId}) | ${num(kb(visitorWindow.gzipBytes))} KB | ${num(kb(visitorWindow.bytes))} KB |`);
      out.push(`| visitor window /im, JS loaded by import() on mount (${lazy.files} files) | ${num(kb(lazy.gzipBytes))} KB | ${num(kb(lazy.bytes))} KB |`);
    } else out.push(`| visitor window /im, first-load JS | ${visitorWindow.missing} | |`);
  }
  const list = targets(results);
  if (list.length) {
    out.push("", "### Targets (issue 8)", "", "| target | measured | |", "|---|---:|---|");
    for (const target of list) out.push(`| ${target.name} | ${target.measured} | ${target.met ? "met" : "**missed**"} |`);
  }
  return out.join("\n");
}

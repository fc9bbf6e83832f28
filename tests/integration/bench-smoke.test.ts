// The bench never runs in the suite; this only proves that it starts and produces its report: bench/run.ts
// --quick in a child process (one node on PostgreSQL, the relay beside it, 2 pairs, 20 messages each).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { Results } from "../../bench/report.ts";
import { ADMIN_URL } from "./postgres.ts";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "parley-bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], { cwd: ROOT, env: { ...process.env, BENCH_POSTGRES_URL: ADMIN_URL }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

// Four processes start with tsx (the relay, Parley, a generator for each): seconds apiece on a busy machine.
it("runs a tiny load against the relay and Parley and reports nothing lost or doubled", { timeout: 90_000 }, async () => {
  const json = join(dir, "results.json");
  const { code, stdout, stderr } = await runBench(["--quick", "--json", json]);
  expect(code, `bench failed:\n${stderr.slice(-3000)}`).toBe(0);

  expect(stdout).toContain("### One node, PostgreSQL");
  expect(stdout).toContain("| at 20 msg/s | relay | Parley | Parley / relay |");
  for (const row of ["sent", "acked", "delivered"]) expect(stdout).toMatch(new RegExp(`^\\| ${row} \\| 20 \\| 20 \\|  \\|$`, "m"));
  for (const row of ["lost", "doubled", "failed"]) expect(stdout).toMatch(new RegExp(`^\\| ${row} \\| 0 \\| 0 \\|  \\|$`, "m"));
  expect(stdout).toMatch(/^\| latency p99 \(ms\) \| [\d.,]+ \| [\d.,]+ \| ×[\d.,]+ \|$/m);
  expect(stdout).toContain("### Download sizes (gzip -9)");
  expect(stderr).toMatch(/\[single · Parley · 20\/s\] .* sent \d+ · acked \d+ · delivered \d+/); // the progress line

  const results = JSON.parse(readFileSync(json, "utf8")) as Results;
  const { relay, parley } = results.load.single!;
  for (const run of [relay, parley]) {
    const [phase] = run.phases;
    expect(phase!.counts).toEqual({ sent: 20, acked: 20, failed: 0, retried: 0, delivered: 20, doubled: 0 });
    expect(phase!.lost).toBe(0);
    expect(phase!.latencyMs.p99).toBeGreaterThan(0);
    expect(phase!.serverCpuS).toBeGreaterThanOrEqual(0);
    expect(phase!.serverPeakRssBytes[0]).toBeGreaterThan(10 * 1024 * 1024);
  }
});

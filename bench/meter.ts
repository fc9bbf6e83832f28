// CPU time of a group of processes over a stretch of the run, and the progress line.
import { readProc } from "./processes.ts";

/**
 * CPU seconds a group of processes used since `start()`. The group may change while it runs (PostgreSQL
 * starts backends as the pool grows): a process first seen after the start counts from its own start,
 * and one that has gone keeps its last sample.
 */
export class CpuMeter {
  private readonly baseline = new Map<number, number>();
  private readonly latest = new Map<number, number>();
  private lastTotal = 0;
  private lastAt = 0;

  constructor(private readonly pids: () => number[] | Promise<number[]>) {}

  async start(): Promise<void> {
    this.baseline.clear();
    this.latest.clear();
    await this.sample();
    for (const [pid, cpu] of this.latest) this.baseline.set(pid, cpu);
    this.lastTotal = 0;
    this.lastAt = performance.now();
  }

  async sample(): Promise<void> {
    for (const pid of await this.pids()) {
      const sample = readProc(pid);
      if (sample) this.latest.set(pid, sample.cpuSeconds);
    }
  }

  /** CPU seconds used since start(), as of the last sample. */
  used(): number {
    let total = 0;
    for (const [pid, cpu] of this.latest) total += cpu - (this.baseline.get(pid) ?? 0);
    return total;
  }

  /** Percent of one core since the previous call (after a fresh sample). */
  async percentSinceLast(): Promise<number> {
    await this.sample();
    const total = this.used();
    const at = performance.now();
    const percent = ((total - this.lastTotal) / ((at - this.lastAt) / 1000)) * 100;
    this.lastTotal = total;
    this.lastAt = at;
    return percent;
  }
}

const isTty = process.stderr.isTTY;
const runStartedAt = performance.now();
let shown = false;

/** One status line on stderr, after the run's elapsed time: rewritten in place on a terminal, one line per update otherwise. */
export function progress(text: string): void {
  const line = `${((performance.now() - runStartedAt) / 1000).toFixed(1).padStart(6)} s ${text}`;
  if (isTty) {
    process.stderr.write(`\r\x1b[K${line}`);
    shown = true;
  } else {
    process.stderr.write(`${line}\n`);
  }
}

/** Ends the status line, so what is printed next starts on a line of its own. */
export function progressDone(): void {
  if (isTty && shown) process.stderr.write("\r\x1b[K");
  shown = false;
}

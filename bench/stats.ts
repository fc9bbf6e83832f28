// Percentiles and number formatting for the report.

export type Percentiles = { p50: number; p95: number; p99: number; max: number };

/** Nearest-rank percentiles; all NaN for no samples. */
export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1]! };
}

/** 12,345 / 1.23 / 0.012: about three significant digits, thousands separated; "—" for nothing. */
export function num(value: number | undefined, digits?: number): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  const decimals = digits ?? (abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3);
  return value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Parley's figure over the relay's, as "×1.23" (or "—" when either is missing or the relay's is zero). */
export function ratio(parley: number | undefined, relay: number | undefined): string {
  if (parley === undefined || relay === undefined || !Number.isFinite(parley) || !Number.isFinite(relay) || parley < 0 || relay <= 0) return "—";
  return `×${num(parley / relay, parley / relay >= 10 ? 1 : 2)}`;
}

export const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 1024 / 1024);
export const kb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 1024);

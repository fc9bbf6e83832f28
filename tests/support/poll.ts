import { setTimeout as pause } from "node:timers/promises";

/**
 * Asks `probe` again and again until it returns a value, for at most `timeoutMs`. Only for conditions
 * nothing announces (another process's health, a lock wait inside PostgreSQL); anything that emits an
 * event or logs a line is awaited instead. The probe catches what counts as "not yet" itself; anything
 * it throws ends the wait at once.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs, intervalMs, onTimeout }: { timeoutMs: number; intervalMs: number; onTimeout: () => Error },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await pause(intervalMs);
  }
  throw onTimeout();
}

import type { Limits } from "./limits.ts";

// The custom server and the Next.js half run in one process but as separately bundled module graphs.
// Sign-in and sign-up (Next.js server actions) must count on the server's own limiters: in memory, two
// instances would each allow the full number of attempts; so the server publishes its instance here.
const SHARED = Symbol.for("parley.limits");
type WithShared = typeof globalThis & { [SHARED]?: Limits };

export function shareLimits(limits: Limits): void {
  (globalThis as WithShared)[SHARED] = limits;
}

export function sharedLimits(): Limits {
  const limits = (globalThis as WithShared)[SHARED];
  if (!limits) throw new Error("rate limits are not set up: start Parley with `npm start` (server.ts), not `next start`");
  return limits;
}

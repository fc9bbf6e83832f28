import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config, RateLimit } from "../../config.ts";
import { ChatError } from "../../core/errors.ts";
import type { RedisClient } from "../redis/redis-link.ts";
import { describeWait } from "./describe-wait.ts";

/** What is counted, and per what: a device, an IP address, or an account's identifier. */
export const LIMIT_NAMES = ["messages", "uploads", "visitors", "signInAccount", "signInIp", "signUp"] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export type Limits = {
  /** Counts one for `key`: 0 if it is within the limit, else the milliseconds until it would be. */
  consume: (name: LimitName, key: string) => Promise<number>;
  /** Counts one for `key`, throwing RATE_LIMITED (with retryAfterMs) beyond the limit. */
  enforce: (name: LimitName, key: string) => Promise<void>;
  /** Forgets `key`'s count (a successful sign-in clears the account's failures). */
  reset: (name: LimitName, key: string) => Promise<void>;
};

// Said to the client that is refused, so each names what it counted.
const REFUSALS: Record<LimitName, string> = {
  messages: "Too many messages",
  uploads: "Too many uploads",
  visitors: "Too many new visitors from this address",
  signInAccount: "Too many sign-in attempts for this account",
  signInIp: "Too many sign-in attempts from this address",
  signUp: "Too many accounts created from this address",
};

// A Redis that hangs (stopped, or stalled behind a flood) answers nothing, and node-redis has no command
// timeout: past this, the node counts in memory rather than hold every message waiting for Redis.
const REDIS_TIMEOUT_MS = 500;

/**
 * The named rate limits of one node, from config. With Redis the counts are shared by every node (a client
 * the balancer moves elsewhere gets no fresh allowance); while Redis fails or stalls, each node counts alone
 * in memory, so the chat keeps working and is still limited, only per node.
 */
export function createLimits(config: Config, redis?: RedisClient): Limits {
  const limits: Record<LimitName, RateLimit> = {
    messages: config.MESSAGES_RATE_LIMIT,
    uploads: { points: config.UPLOADS_PER_MINUTE, seconds: 60 },
    visitors: config.VISITORS_RATE_LIMIT,
    signInAccount: config.SIGN_IN_ACCOUNT_RATE_LIMIT,
    signInIp: config.SIGN_IN_IP_RATE_LIMIT,
    signUp: config.SIGN_UP_RATE_LIMIT,
  };
  const limiters = new Map<LimitName, RateLimiterAbstract>();
  for (const name of LIMIT_NAMES) {
    const limit = limits[name];
    if (limit) limiters.set(name, createLimiter(name, limit, redis));
  }

  const consume = async (name: LimitName, key: string): Promise<number> => {
    try {
      await limiters.get(name)?.consume(key);
      return 0;
    } catch (res) {
      if (res instanceof RateLimiterRes) return Math.max(1, res.msBeforeNext);
      throw res; // neither Redis nor memory could count: a fault, not a verdict
    }
  };
  return {
    consume,
    enforce: async (name, key) => {
      const retryAfterMs = await consume(name, key);
      if (retryAfterMs) throw new ChatError("RATE_LIMITED", `${REFUSALS[name]}, try again in ${describeWait(retryAfterMs)}`, { retryAfterMs });
    },
    reset: async (name, key) => {
      await limiters.get(name)?.delete(key);
    },
  };
}

function createLimiter(name: LimitName, { points, seconds }: NonNullable<RateLimit>, redis?: RedisClient): RateLimiterAbstract {
  const options = { keyPrefix: `parley:limit:${name}`, points, duration: seconds };
  const memory = new RateLimiterMemory(options);
  if (!redis) return memory;
  const shared = new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: true, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  return new RLWrapperTimeouts({ limiter: shared, timeoutMs: REDIS_TIMEOUT_MS, insuranceLimiter: memory });
}

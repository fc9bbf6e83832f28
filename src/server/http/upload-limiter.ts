import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RedisClient } from "../redis/redis-link.ts";

export type UploadLimiter = {
  /** Counts one upload of this device: 0 if it may go ahead, else the seconds until it may upload again. */
  take: (deviceId: string) => Promise<number>;
};

/**
 * Uploads per device and minute. With Redis the count is shared by every node (a client that the balancer
 * moves gets no fresh allowance); while Redis is unreachable each node counts alone rather than refusing.
 */
export function createUploadLimiter(perMinute: number, redis?: RedisClient): UploadLimiter {
  const options = { keyPrefix: "parley:uploads", points: perMinute, duration: 60 };
  const memory = new RateLimiterMemory(options);
  const limiter = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: true, rejectIfRedisNotReady: true, insuranceLimiter: memory })
    : memory;
  return {
    take: async (deviceId) => {
      try {
        await limiter.consume(deviceId);
        return 0;
      } catch (res) {
        if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
        throw res;
      }
    },
  };
}

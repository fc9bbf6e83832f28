// With REDIS_URL, every node counts on the same Redis keys: a client that the balancer moves to another node
// (or that spreads its attempts over nodes) gets no fresh allowance. When Redis fails or stalls, each node
// counts in memory instead, so the chat keeps working.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../../src/config.ts";
import { createLimits } from "../../src/server/limits/limits.ts";
import { checkSignInAllowed, signInSucceeded } from "../../src/server/limits/sign-in-limits.ts";
import { createLogger } from "../../src/server/log.ts";
import { connectRedis, type RedisLink } from "../../src/server/redis/redis-link.ts";
import { useCluster, within, type RedisServer } from "./cluster.ts";
import { TEST_SECRET } from "./support.ts";

const cluster = useCluster();
let redis: RedisServer;
let nodeA: RedisLink;
let nodeB: RedisLink;

beforeAll(async () => {
  redis = await cluster.startRedis();
  [nodeA, nodeB] = await Promise.all([connectRedis(redis.url, createLogger("silent")), connectRedis(redis.url, createLogger("silent"))]);
}, 30_000);
afterAll(async () => {
  await Promise.all([nodeA?.close(), nodeB?.close()]);
});

const config = (overrides: Partial<Config>): Config => ({ ...loadConfig({ AUTH_SECRET: TEST_SECRET }), ...overrides });
// Keys of their own per test, as the Redis outlives each test.
const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2)}`;

describe("limits in Redis", () => {
  it("count one account's sign-in attempts on two nodes together, and a success on one clears it for both", async () => {
    const limited = config({ SIGN_IN_ACCOUNT_RATE_LIMIT: { points: 4, seconds: 900 } });
    const [onA, onB] = [createLimits(limited, nodeA.client), createLimits(limited, nodeB.client)];
    const account = `${unique("ada")}@example.test`;
    const waits = [];
    for (const limits of [onA, onB, onA, onB]) waits.push(await checkSignInAllowed(limits, account, "198.51.100.1"));
    expect(waits).toEqual([0, 0, 0, 0]);
    expect(await checkSignInAllowed(onA, account, "198.51.100.1")).toBeGreaterThan(0);
    expect(await checkSignInAllowed(onB, account, "198.51.100.2")).toBeGreaterThan(0);

    await signInSucceeded(onB, account);
    expect(await checkSignInAllowed(onA, account, "198.51.100.1")).toBe(0);
  });

  it("count one device's messages on two nodes together", async () => {
    const limited = config({ MESSAGES_RATE_LIMIT: { points: 3, seconds: 60 } });
    const [onA, onB] = [createLimits(limited, nodeA.client), createLimits(limited, nodeB.client)];
    const device = unique("device");
    await onA.enforce("messages", device);
    await onB.enforce("messages", device);
    await onA.enforce("messages", device);
    await expect(onB.enforce("messages", device)).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: expect.any(Number) });
    await expect(onB.enforce("messages", unique("other-device"))).resolves.toBeUndefined();
  });

  it("count in memory while Redis stalls, answering within a moment instead of waiting for it", async () => {
    const limits = createLimits(config({ MESSAGES_RATE_LIMIT: { points: 2, seconds: 60 } }), nodeA.client);
    const device = unique("device");
    redis.pause();
    try {
      const started = Date.now();
      expect(await within(limits.consume("messages", device), 3_000, "a verdict while Redis stalls")).toBe(0);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await within(limits.consume("messages", device), 3_000, "a verdict while Redis stalls")).toBe(0);
      expect(await within(limits.consume("messages", device), 3_000, "a verdict while Redis stalls")).toBeGreaterThan(0);
    } finally {
      redis.resume();
    }
    // Redis answers again: counting goes back to the shared keys.
    expect(await limits.consume("messages", unique("device"))).toBe(0);
  });
});

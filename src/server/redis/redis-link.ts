import { createAdapter } from "@socket.io/redis-adapter";
import { createClient, type RedisClientType } from "redis";
import type { Logger } from "../log.ts";

export type RedisClient = RedisClientType;
export type RedisLink = {
  /** A client for our own commands (presence). */
  client: RedisClient;
  adapter: ReturnType<typeof createAdapter>;
  /** True while so many broadcasts wait for Redis that new messages should wait too (see message:send). */
  isCongested: () => boolean;
  ping: () => Promise<boolean>;
  close: () => Promise<void>;
};

// Past this many broadcasts waiting for Redis, senders are asked to retry: storing more messages whose
// broadcasts would only queue up behind these helps nobody and grows memory without bound.
const CONGESTION_LIMIT = 2_000;
const QUEUE_LIMIT = 10_000;
// Publishes carry no command timeout (node-redis's own, 5 s by default, arms an AbortSignal and a timer for
// every command: 4% of a busy node's time at one publish per message, docs/benchmarks.md). A Redis that hangs
// (or is stopped) leaves them waiting, within the queue cap and the backpressure limit; unanswered this long,
// they are reported, so an operator learns why peers on other nodes hear nothing.
const STALL_MS = 2_000;

/**
 * The clients behind @socket.io/redis-adapter. The adapter publishes without awaiting, so a publish that
 * Redis refuses or times out (the client's queue is full, Redis is down or restarting) rejected a promise
 * nobody handled, which ended the process. Every publish here is handled and counted instead: a lost
 * broadcast is logged, and clients recover the message by sync; while too many wait, senders back off.
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisLink> {
  const options = {
    url,
    // Fail at once while Redis is unreachable instead of buffering without bound; the queue cap bounds memory.
    disableOfflineQueue: true,
    commandsQueueMaxLength: QUEUE_LIMIT,
    socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 3_000), connectTimeout: 5_000 },
  };
  const pub = createClient({ ...options, commandOptions: { timeout: 0 } }) as RedisClient; // 0: none (see STALL_MS)
  const sub = createClient(options) as RedisClient;
  const client = createClient(options) as RedisClient;
  const reportEvery = throttle(5_000);
  for (const [role, c] of [["pub", pub], ["sub", sub], ["client", client]] as const) {
    c.on("error", (err: Error) => reportEvery(() => log.warn({ err, role }, "redis connection error")));
    c.on("reconnecting", () => reportEvery(() => log.info({ role }, "redis reconnecting")));
  }
  await Promise.all([pub.connect(), sub.connect(), client.connect()]);
  // Registered after the first connect, so only comes back after a loss; for `sub`, "ready" means resubscribed.
  for (const [role, c] of [["pub", pub], ["sub", sub], ["client", client]] as const) c.on("ready", () => log.info({ role }, "redis connection restored"));

  let waiting = 0;
  let lost = 0;
  // Redis answers a connection's commands in order: if nothing was answered for STALL_MS while publishes wait, it is stalled.
  let busySince = 0;
  let lastAnswerAt = 0;
  let stalledSince: number | undefined;
  const guardedPublish = (channel: string, message: string | Buffer) => {
    if (waiting++ === 0) busySince = Date.now();
    return pub
      .publish(channel, message)
      .then((receivers) => {
        lastAnswerAt = Date.now();
        if (stalledSince !== undefined) log.info({ stalledMs: lastAnswerAt - stalledSince, waiting }, "redis answers again");
        stalledSince = undefined;
        return receivers;
      })
      .catch((err: unknown) => {
        lost++;
        reportEvery(() => log.warn({ err, lost, waiting }, "redis publish failed; peers on other nodes catch up by sync"));
        return 0;
      })
      .finally(() => {
        if (--waiting === 0) stalledSince = undefined;
      });
  };
  const watchdog = setInterval(() => {
    const silentSince = Math.max(busySince, lastAnswerAt);
    if (waiting === 0 || stalledSince !== undefined || Date.now() - silentSince < STALL_MS) return;
    stalledSince = silentSince;
    log.warn({ waiting, silentMs: Date.now() - silentSince, congested: waiting > CONGESTION_LIMIT }, "redis is not answering; broadcasts to other nodes are waiting");
  }, STALL_MS / 4);
  watchdog.unref(); // a watchdog must not keep a stopping process alive
  // Everything but publish goes to the real client, bound to it (it keeps private state of its own).
  const guardedPub = new Proxy(pub, {
    get(target, prop) {
      if (prop === "publish") return guardedPublish;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

  return {
    client,
    adapter: createAdapter(guardedPub, sub, { requestsTimeout: 5_000 }),
    isCongested: () => waiting > CONGESTION_LIMIT || !pub.isReady,
    ping: async () => {
      try {
        return (await withTimeout(client.ping(), 1_000)) === "PONG";
      } catch {
        return false;
      }
    },
    close: async () => {
      clearInterval(watchdog);
      await Promise.allSettled([pub.close(), sub.close(), client.close()]);
    },
  };
}

/** Runs the given logging at most once per interval, so a Redis outage logs a line, not thousands. */
function throttle(intervalMs: number) {
  let last = 0;
  return (report: () => void) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    report();
  };
}

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);

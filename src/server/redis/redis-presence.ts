import { randomBytes } from "node:crypto";
import type { DeviceId } from "../../core/ids.ts";
import type { Presence } from "../../core/presence/presence.ts";
import type { RedisClient } from "./redis-link.ts";

const NODE_TTL_S = 30;
const deviceKey = (deviceId: DeviceId) => `parley:presence:${deviceId}`;
const nodeKey = (nodeId: string) => `parley:node:${nodeId}`;

/**
 * Presence shared by every node: for each device a hash of node ID → that node's socket count. Each node
 * keeps a heartbeat key alive; counts of a node whose heartbeat expired (it was killed) no longer count,
 * so a device's presence never outlives the node its sockets were on by more than NODE_TTL_S.
 */
export async function createRedisPresence(redis: RedisClient): Promise<Presence> {
  const nodeId = randomBytes(8).toString("hex");
  const beat = () => redis.set(nodeKey(nodeId), "1", { EX: NODE_TTL_S });
  await beat();
  const heartbeat = setInterval(() => void beat().catch(() => undefined), (NODE_TTL_S * 1000) / 3);
  heartbeat.unref();

  // This node's own share, kept here too: a Redis that restarts (with no persistence) or fails over comes
  // back without it, and every device connected to this node would count as offline until it reconnected.
  const local = new Map<DeviceId, number>();
  const restore = () => {
    const shares = [...local].map(([deviceId, count]) => redis.hSet(deviceKey(deviceId), nodeId, count));
    void Promise.all([beat(), ...shares]).catch(() => undefined); // a failure means another loss: the next "ready" restores again
  };
  redis.on("ready", restore); // registered after the first connect, so only reconnects run it
  const count = (deviceId: DeviceId, delta: number) => {
    const next = (local.get(deviceId) ?? 0) + delta;
    if (next > 0) local.set(deviceId, next);
    else local.delete(deviceId);
  };

  /** Sockets of each device on nodes that are still alive; dead nodes' counts are dropped on the way. */
  async function liveCounts(deviceIds: readonly DeviceId[]): Promise<Map<DeviceId, number>> {
    const hashes = await Promise.all(deviceIds.map((id) => redis.hGetAll(deviceKey(id))));
    const nodes = [...new Set(hashes.flatMap((hash) => Object.keys(hash)))];
    const alive = nodes.length ? await redis.mGet(nodes.map(nodeKey)) : [];
    const isAlive = new Map(nodes.map((node, i) => [node, alive[i] !== null]));
    const counts = new Map<DeviceId, number>();
    hashes.forEach((hash, i) => {
      let total = 0;
      for (const [node, count] of Object.entries(hash)) {
        if (isAlive.get(node)) total += Number(count);
        else void redis.hDel(deviceKey(deviceIds[i]), node).catch(() => undefined);
      }
      counts.set(deviceIds[i], total);
    });
    return counts;
  }

  return {
    async connected(deviceId) {
      count(deviceId, 1);
      await redis.hIncrBy(deviceKey(deviceId), nodeId, 1);
      return (await liveCounts([deviceId])).get(deviceId) === 1;
    },
    async disconnected(deviceId) {
      count(deviceId, -1);
      const left = await redis.hIncrBy(deviceKey(deviceId), nodeId, -1);
      if (left <= 0) await redis.hDel(deviceKey(deviceId), nodeId);
      return (await liveCounts([deviceId])).get(deviceId) === 0;
    },
    async onlineAmong(deviceIds) {
      const counts = await liveCounts(deviceIds);
      return new Set(deviceIds.filter((id) => (counts.get(id) ?? 0) > 0));
    },
    async close() {
      clearInterval(heartbeat);
      redis.off("ready", restore);
      await redis.del(nodeKey(nodeId)).catch(() => undefined); // our sockets are gone: stop counting them at once
    },
  };
}

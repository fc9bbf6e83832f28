import type { DeviceId } from "../ids.ts";
import type { Presence } from "./presence.ts";

/**
 * Presence for a single node: devices with at least one live socket in this process. With several
 * nodes, src/server/redis/redis-presence.ts keeps the same counts in Redis instead.
 */
export class PresenceTracker implements Presence {
  private readonly sockets = new Map<DeviceId, number>();

  async connected(deviceId: DeviceId): Promise<boolean> {
    const count = (this.sockets.get(deviceId) ?? 0) + 1;
    this.sockets.set(deviceId, count);
    return count === 1;
  }

  async disconnected(deviceId: DeviceId): Promise<boolean> {
    const count = (this.sockets.get(deviceId) ?? 0) - 1;
    if (count > 0) {
      this.sockets.set(deviceId, count);
      return false;
    }
    this.sockets.delete(deviceId);
    return true;
  }

  async onlineAmong(deviceIds: readonly DeviceId[]): Promise<Set<DeviceId>> {
    return new Set(deviceIds.filter((id) => this.sockets.has(id)));
  }

  async close(): Promise<void> {
    this.sockets.clear();
  }
}

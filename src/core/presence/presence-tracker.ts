import type { DeviceId } from "../ids.ts";

/**
 * Which devices have a live socket on this node. A device is online while it has at least one;
 * the edge adds a grace period before announcing "offline", so a reload does not flicker.
 */
export class PresenceTracker {
  private readonly sockets = new Map<DeviceId, number>();

  /** Returns true when this is the device's first socket (it just came online). */
  connected(deviceId: DeviceId): boolean {
    const count = (this.sockets.get(deviceId) ?? 0) + 1;
    this.sockets.set(deviceId, count);
    return count === 1;
  }

  /** Returns true when the device's last socket is gone. */
  disconnected(deviceId: DeviceId): boolean {
    const count = (this.sockets.get(deviceId) ?? 0) - 1;
    if (count > 0) {
      this.sockets.set(deviceId, count);
      return false;
    }
    this.sockets.delete(deviceId);
    return true;
  }

  isOnline(deviceId: DeviceId): boolean {
    return this.sockets.has(deviceId);
  }
}

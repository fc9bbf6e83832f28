import type { DeviceId } from "../ids.ts";

/**
 * Which devices have a live socket, on this node or (with Redis) on any node. `connected` and
 * `disconnected` say whether the device just came online or just lost its last socket everywhere.
 */
export interface Presence {
  connected(deviceId: DeviceId): Promise<boolean>;
  disconnected(deviceId: DeviceId): Promise<boolean>;
  onlineAmong(deviceIds: readonly DeviceId[]): Promise<Set<DeviceId>>;
  close(): Promise<void>;
}

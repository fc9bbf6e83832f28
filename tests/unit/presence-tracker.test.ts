import { describe, expect, it } from "vitest";
import { PresenceTracker } from "../../src/core/presence/presence-tracker.ts";

const device = "0123456789abcdef0123456789abcdef";
const other = "fedcba9876543210fedcba9876543210";
const isOnline = async (presence: PresenceTracker, id: string) => (await presence.onlineAmong([id])).has(id);

describe("PresenceTracker", () => {
  it("reports a device offline until it connects", async () => {
    expect(await isOnline(new PresenceTracker(), device)).toBe(false);
  });

  it("says a device came online only with its first socket", async () => {
    const presence = new PresenceTracker();
    expect(await presence.connected(device)).toBe(true);
    expect(await presence.connected(device)).toBe(false);
    expect(await isOnline(presence, device)).toBe(true);
  });

  it("keeps a device online while any of its sockets remains", async () => {
    const presence = new PresenceTracker();
    await presence.connected(device);
    await presence.connected(device);
    expect(await presence.disconnected(device)).toBe(false);
    expect(await isOnline(presence, device)).toBe(true);
  });

  it("says a device went offline when its last socket goes", async () => {
    const presence = new PresenceTracker();
    await presence.connected(device);
    await presence.connected(device);
    await presence.disconnected(device);
    expect(await presence.disconnected(device)).toBe(true);
    expect(await isOnline(presence, device)).toBe(false);
  });

  it("counts each device on its own, and answers for several at once", async () => {
    const presence = new PresenceTracker();
    await presence.connected(device);
    await presence.connected(other);
    await presence.disconnected(device);
    expect(await presence.onlineAmong([device, other])).toEqual(new Set([other]));
  });

  it("comes online afresh after going offline, as a reload does", async () => {
    const presence = new PresenceTracker();
    await presence.connected(device);
    await presence.disconnected(device);
    expect(await presence.connected(device)).toBe(true);
  });
});

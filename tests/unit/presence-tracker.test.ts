import { describe, expect, it } from "vitest";
import { PresenceTracker } from "../../src/core/presence/presence-tracker.ts";

const device = "0123456789abcdef0123456789abcdef";
const other = "fedcba9876543210fedcba9876543210";

describe("PresenceTracker", () => {
  it("reports a device offline until it connects", () => {
    expect(new PresenceTracker().isOnline(device)).toBe(false);
  });

  it("says a device came online only with its first socket", () => {
    const presence = new PresenceTracker();
    expect(presence.connected(device)).toBe(true);
    expect(presence.connected(device)).toBe(false);
    expect(presence.isOnline(device)).toBe(true);
  });

  it("keeps a device online while any of its sockets remains", () => {
    const presence = new PresenceTracker();
    presence.connected(device);
    presence.connected(device);
    expect(presence.disconnected(device)).toBe(false);
    expect(presence.isOnline(device)).toBe(true);
  });

  it("says a device went offline when its last socket goes", () => {
    const presence = new PresenceTracker();
    presence.connected(device);
    presence.connected(device);
    presence.disconnected(device);
    expect(presence.disconnected(device)).toBe(true);
    expect(presence.isOnline(device)).toBe(false);
  });

  it("counts each device on its own", () => {
    const presence = new PresenceTracker();
    presence.connected(device);
    presence.connected(other);
    presence.disconnected(device);
    expect(presence.isOnline(device)).toBe(false);
    expect(presence.isOnline(other)).toBe(true);
  });

  it("comes online afresh after going offline, as a reload does", () => {
    const presence = new PresenceTracker();
    presence.connected(device);
    presence.disconnected(device);
    expect(presence.connected(device)).toBe(true);
  });
});

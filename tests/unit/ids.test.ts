import { describe, expect, it } from "vitest";
import { conversationIdOf, conversationIdSchema, deviceIdSchema, newDeviceId, newMessageId } from "../../src/core/ids.ts";

const visitor = "0123456789abcdef0123456789abcdef";
const agent = "fedcba9876543210fedcba9876543210";

describe("conversationIdOf", () => {
  it("is the visitor's device ID followed by the agent's", () => {
    expect(conversationIdOf(visitor, agent)).toBe(visitor + agent);
  });

  it("gives both sides the same room when each passes the IDs in the fixed order", () => {
    expect(conversationIdOf(visitor, agent)).toBe(conversationIdOf(visitor, agent));
    expect(conversationIdOf(visitor, agent)).not.toBe(conversationIdOf(agent, visitor));
  });

  it("is a valid conversation ID", () => {
    expect(conversationIdSchema.safeParse(conversationIdOf(newDeviceId(), newDeviceId())).success).toBe(true);
  });
});

describe("deviceIdSchema", () => {
  it("accepts a newly made device ID", () => {
    expect(deviceIdSchema.parse(newDeviceId())).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([["uppercase", visitor.toUpperCase()], ["too short", visitor.slice(1)], ["too long", `${visitor}0`], ["not hex", "g".repeat(32)], ["a UUID", "01234567-89ab-cdef-0123-456789abcdef"]])(
    "refuses %s",
    (_, value) => {
      expect(deviceIdSchema.safeParse(value).success).toBe(false);
    },
  );

  it("refuses anything that is not a string", () => {
    expect(deviceIdSchema.safeParse(42).success).toBe(false);
  });
});

describe("new IDs", () => {
  it("never repeat a device ID", () => {
    expect(new Set(Array.from({ length: 1000 }, newDeviceId)).size).toBe(1000);
  });

  it("give message IDs that sort by creation time", () => {
    const ids = Array.from({ length: 100 }, newMessageId);
    expect([...ids].sort()).toEqual(ids);
    // Many within one millisecond (the counter), across refills of the random pool, all distinct UUIDv7s.
    const many = Array.from({ length: 5000 }, newMessageId);
    expect([...many].sort()).toEqual(many);
    expect(new Set(many).size).toBe(many.length);
    for (const id of many) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(Number.parseInt(many[0]!.replace(/-/g, "").slice(0, 12), 16) - Date.now())).toBeLessThan(5_000); // the time is the clock's
  });
});

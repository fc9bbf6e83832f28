import { describe, expect, it } from "vitest";
import { signVisitorToken, verifyVisitorToken } from "../../src/core/tokens/visitor-token.ts";

const secret = "unit-test-secret-of-at-least-32-characters";
const deviceId = "0123456789abcdef0123456789abcdef";
const now = new Date("2026-11-23T12:00:00Z");
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("visitor tokens", () => {
  it("prove the device they were issued for", async () => {
    const token = await signVisitorToken(deviceId, { secret, ttlSeconds: 3600, now });
    expect(await verifyVisitorToken(token, { secret, now })).toBe(deviceId);
  });

  it("are still valid just before they expire", async () => {
    const token = await signVisitorToken(deviceId, { secret, ttlSeconds: 3600, now });
    expect(await verifyVisitorToken(token, { secret, now: new Date(now.getTime() + 3599_000) })).toBe(deviceId);
  });

  it("are refused once expired", async () => {
    const token = await signVisitorToken(deviceId, { secret, ttlSeconds: 3600, now });
    await expect(verifyVisitorToken(token, { secret, now: new Date(now.getTime() + 3601_000) })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("are refused when signed with another secret", async () => {
    const token = await signVisitorToken(deviceId, { secret: "another-secret-of-at-least-32-characters!", ttlSeconds: 3600, now });
    await expect(verifyVisitorToken(token, { secret, now })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("are refused when the payload was changed to name another device", async () => {
    const token = await signVisitorToken(deviceId, { secret, ttlSeconds: 3600, now });
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const tampered = [header, base64url({ ...claims, sub: "fedcba9876543210fedcba9876543210" }), signature].join(".");
    await expect(verifyVisitorToken(tampered, { secret, now })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it('are refused when unsigned with alg "none"', async () => {
    const iat = Math.floor(now.getTime() / 1000);
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: deviceId, aud: "parley:visitor", iat, exp: iat + 3600 })}.`;
    await expect(verifyVisitorToken(unsigned, { secret, now })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("are refused when they are not a JWT at all", async () => {
    await expect(verifyVisitorToken("garbage", { secret, now })).rejects.toMatchObject({ code: "UNAUTHENTICATED", message: "visitor token is invalid or expired" });
  });
});

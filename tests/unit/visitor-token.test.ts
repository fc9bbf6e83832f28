import { describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { readRenewableVisitorToken, readVisitorToken, signVisitorToken, verifyVisitorToken } from "../../src/core/tokens/visitor-token.ts";

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

describe("visitor token claims", () => {
  it("carry the widget's agent, the page origin and a verified user when given, and nothing when not", async () => {
    const claims = { agentDeviceId: "fedcba9876543210fedcba9876543210", origin: "https://shop.example", userId: "user-42", identityKey: "0123456789abcdef" };
    expect(await readVisitorToken(await signVisitorToken(deviceId, { secret, ttlSeconds: 3600, now }, claims), { secret, now })).toEqual({ deviceId, ...claims });
    expect(await readVisitorToken(await signVisitorToken(deviceId, { secret, ttlSeconds: 3600, now }), { secret, now })).toEqual({ deviceId });
  });

  it("are refused when a claim was added to an anonymous token", async () => {
    const token = await signVisitorToken(deviceId, { secret, ttlSeconds: 3600, now });
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const tampered = [header, base64url({ ...claims, uid: "someone-else" }), signature].join(".");
    await expect(readVisitorToken(tampered, { secret, now })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(readRenewableVisitorToken(tampered, { secret, now, renewSeconds: 3600 })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("renewing an expired visitor token", () => {
  const day = 24 * 3600;
  const issued = (claims = {}) => signVisitorToken(deviceId, { secret, ttlSeconds: day, now }, claims);
  const after = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it("accepts a genuine token that expired within the renewal window, with its claims", async () => {
    const token = await issued({ origin: "https://shop.example" });
    await expect(readVisitorToken(token, { secret, now: after(day + 1) })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await readRenewableVisitorToken(token, { secret, now: after(day + 179 * day), renewSeconds: 180 * day })).toEqual({ deviceId, origin: "https://shop.example" });
  });

  it("refuses a token that expired longer ago than the window", async () => {
    await expect(readRenewableVisitorToken(await issued(), { secret, now: after(day + 181 * day), renewSeconds: 180 * day })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("refuses an expired token signed with another secret, however recent", async () => {
    const forged = await signVisitorToken(deviceId, { secret: "another-secret-of-at-least-32-characters!", ttlSeconds: day, now });
    await expect(readRenewableVisitorToken(forged, { secret, now: after(day + 1), renewSeconds: 180 * day })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("refuses an expired token whose expiry was pushed forward", async () => {
    const [header, payload, signature] = (await issued()).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const tampered = [header, base64url({ ...claims, exp: claims.exp + 365 * day }), signature].join(".");
    await expect(readRenewableVisitorToken(tampered, { secret, now: after(day + 1), renewSeconds: 180 * day })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("refuses a token without an expiry", async () => {
    const iat = Math.floor(now.getTime() / 1000);
    const endless = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(deviceId).setAudience("parley:visitor").setIssuedAt(iat).sign(new TextEncoder().encode(secret));
    await expect(readVisitorToken(endless, { secret, now })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(readRenewableVisitorToken(endless, { secret, now, renewSeconds: 180 * day })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

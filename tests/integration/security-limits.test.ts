// Floods against each rate limit (docs/security.md): the flooder is refused with RATE_LIMITED, and the server
// goes on serving everyone else. Limits are set low per server here; the defaults are in src/config.ts.
import { describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../../src/config.ts";
import { signVisitorToken } from "../../src/core/tokens/visitor-token.ts";
import { createLimits } from "../../src/server/limits/limits.ts";
import { sharedLimits, shareLimits } from "../../src/server/limits/shared-limits.ts";
import { checkSignInAllowed, signInSucceeded } from "../../src/server/limits/sign-in-limits.ts";
import type { MessageView } from "../../src/server/socket/contract.ts";
import { connectVisitor, identifyVisitor, openChat, seedAgent, send, TEST_SECRET, unwrap, useServer, waitFor, type ServerUnderTest } from "./support.ts";

const HOUR = 3600;

describe("messages per device (MESSAGES_RATE_LIMIT)", () => {
  const { server, track } = useServer({ MESSAGES_RATE_LIMIT: { points: 5, seconds: 60 } });

  it("refuses a device's 6th message within the interval, in every tab, and stores nothing of it", async () => {
    const { conversationId, visitorTab, visitorOtherTab } = await openChat(server, track);
    for (let seq = 1; seq <= 5; seq++) expect(unwrap(await send(visitorTab, conversationId, `message ${seq}`)).message.seq).toBe(seq);

    const refused = await send(visitorTab, conversationId, "one too many");
    expect(refused).toEqual({
      ok: false,
      error: { code: "RATE_LIMITED", message: expect.stringMatching(/^Too many messages, try again in (\d+ seconds?|1 minute)$/), retriable: true, retryAfterMs: expect.any(Number) },
    });
    expect(!refused.ok && refused.error.retryAfterMs).toBeGreaterThan(0);
    expect(!refused.ok && refused.error.retryAfterMs).toBeLessThanOrEqual(60_000);
    // Counted per device: another tab of the same browser buys no fresh allowance.
    expect(await send(visitorOtherTab, conversationId, "from the other tab")).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    expect(await server.db.message.count({ where: { conversationId } })).toBe(5);
  });

  it("keeps serving the other devices: the agent in the same conversation, and another visitor", async () => {
    const { agent, conversationId, visitorTab, agentTab } = await openChat(server, track);
    for (let i = 0; i < 5; i++) unwrap(await send(visitorTab, conversationId, `message ${i}`));
    expect(await send(visitorTab, conversationId, "refused")).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });

    // The refused visitor still receives: only its sending is limited.
    const [received, ack] = await Promise.all([waitFor<MessageView>(visitorTab, "message:sent"), send(agentTab, conversationId, "still here")]);
    expect(unwrap(ack).message).toMatchObject({ seq: 6, body: "still here" });
    expect(received).toMatchObject({ seq: 6, body: "still here" });

    const other = await identifyVisitor(server.url, agent.deviceId);
    const otherTab = await connectVisitor(server.url, other.token);
    track(otherTab);
    expect(unwrap(await send(otherTab, other.conversationId, "hello")).message.seq).toBe(1);
  });

  it("lets exactly the limit through when a device floods with concurrent sends", async () => {
    const { conversationId, visitorTab } = await openChat(server, track);
    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => send(visitorTab, conversationId, `flood ${i}`)));
    const stored = acks.filter((ack) => ack.ok);
    expect(stored).toHaveLength(5);
    expect(acks.filter((ack) => !ack.ok).map((ack) => !ack.ok && ack.error.code)).toEqual(Array(25).fill("RATE_LIMITED"));
    const rows = await server.db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5]); // no gap left by the refused ones
    expect((await fetch(new URL("/api/health", server.url))).status).toBe(200);
  });
});

/** POST /api/visitors as a browser behind a balancer that reports `address` in X-Forwarded-For. */
const postVisitor = (server: ServerUnderTest, body: { agentId: string; token?: string }, address: string) =>
  fetch(new URL("/api/visitors", server.url), { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": address }, body: JSON.stringify(body) });

type VisitorReply = { ok: true; data: { visitor: { deviceId: string }; token: string } } | { ok: false; error: { code: string; message: string; retriable?: boolean; retryAfterMs?: number } };
const visitorCount = (server: ServerUnderTest) => server.db.device.count({ where: { kind: "VISITOR" } });

describe("new visitors per address (VISITORS_RATE_LIMIT), behind a trusted proxy", () => {
  const { server } = useServer({ VISITORS_RATE_LIMIT: { points: 3, seconds: HOUR }, TRUST_PROXY: true });

  it("refuses an address's 4th new visitor with 429 and Retry-After, making no device for it", async () => {
    const agent = await seedAgent(server.db);
    for (let i = 0; i < 3; i++) expect((await postVisitor(server, { agentId: agent.deviceId }, "198.51.100.1")).status).toBe(200);
    const before = await visitorCount(server);

    const refused = await postVisitor(server, { agentId: agent.deviceId }, "198.51.100.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(HOUR);
    expect(refused.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await refused.json()).toEqual({
      ok: false,
      error: { code: "RATE_LIMITED", message: expect.stringMatching(/^Too many new visitors from this address, try again in \d+ minutes?$/), retriable: true, retryAfterMs: expect.any(Number) },
    });
    // A token that proves nothing is a new visitor too: no way around the count.
    expect((await postVisitor(server, { agentId: agent.deviceId, token: "forged.token.value" }, "198.51.100.1")).status).toBe(429);
    expect(await visitorCount(server)).toBe(before);
  });

  it("still serves returning visitors from that address, and new visitors from other addresses", async () => {
    const agent = await seedAgent(server.db);
    const first = (await (await postVisitor(server, { agentId: agent.deviceId }, "198.51.100.2")).json()) as VisitorReply;
    if (!first.ok) throw new Error(first.error.message);
    for (let i = 0; i < 2; i++) await postVisitor(server, { agentId: agent.deviceId }, "198.51.100.2");
    expect((await postVisitor(server, { agentId: agent.deviceId }, "198.51.100.2")).status).toBe(429);

    // A reload of a visitor who holds its token costs nothing and is never refused.
    for (let i = 0; i < 5; i++) {
      const again = (await (await postVisitor(server, { agentId: agent.deviceId, token: first.data.token }, "198.51.100.2")).json()) as VisitorReply;
      expect(again.ok && again.data.visitor.deviceId).toBe(first.data.visitor.deviceId);
    }
    // So does one whose token has expired, which the server renews for the same device.
    const expired = await signVisitorToken(first.data.visitor.deviceId, { secret: TEST_SECRET, ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    const renewed = (await (await postVisitor(server, { agentId: agent.deviceId, token: expired }, "198.51.100.2")).json()) as VisitorReply;
    expect(renewed.ok && renewed.data.visitor.deviceId).toBe(first.data.visitor.deviceId);
    expect((await postVisitor(server, { agentId: agent.deviceId }, "203.0.113.9")).status).toBe(200);
  });
});

describe("new visitors per address without TRUST_PROXY", () => {
  const { server } = useServer({ VISITORS_RATE_LIMIT: { points: 2, seconds: HOUR } });

  it("counts the connection's own address, so a made-up X-Forwarded-For buys no fresh allowance", async () => {
    const agent = await seedAgent(server.db);
    const statuses = [];
    for (let i = 1; i <= 4; i++) statuses.push((await postVisitor(server, { agentId: agent.deviceId }, `192.0.2.${i}`)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});

// Sign-in runs in the Next.js half (src/app/auth.ts calls these before checking a password); tested here on the
// same functions with real limiters, as the server would create them.
const limitsWith = (overrides: Partial<Config>) => createLimits({ ...loadConfig({ AUTH_SECRET: TEST_SECRET }), ...overrides });
const attempts = async (times: number, attempt: () => Promise<number>) => {
  const waits: number[] = [];
  for (let i = 0; i < times; i++) waits.push(await attempt());
  return waits;
};

describe("sign-in attempts (SIGN_IN_ACCOUNT_RATE_LIMIT, SIGN_IN_IP_RATE_LIMIT)", () => {
  it("refuses an account's 4th attempt from any address, saying how long to wait", async () => {
    const limits = limitsWith({ SIGN_IN_ACCOUNT_RATE_LIMIT: { points: 3, seconds: 900 } });
    const waits = await attempts(3, () => checkSignInAllowed(limits, "ada@example.test", "198.51.100.1"));
    expect(waits).toEqual([0, 0, 0]);
    const wait = await checkSignInAllowed(limits, "ada@example.test", "203.0.113.5");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(900_000);
    // Another account is not affected.
    expect(await checkSignInAllowed(limits, "bob@example.test", "198.51.100.1")).toBe(0);
  });

  it("counts an account however its identifier is written", async () => {
    const limits = limitsWith({ SIGN_IN_ACCOUNT_RATE_LIMIT: { points: 2, seconds: 900 } });
    expect(await checkSignInAllowed(limits, "Ada@Example.TEST", "198.51.100.1")).toBe(0);
    expect(await checkSignInAllowed(limits, "  ada@example.test ", "198.51.100.2")).toBe(0);
    expect(await checkSignInAllowed(limits, "ada@example.test", "198.51.100.3")).toBeGreaterThan(0);
    expect(await checkSignInAllowed(limits, "+44 20 7946 0000", undefined)).toBe(0);
    expect(await checkSignInAllowed(limits, "+442079460000", undefined)).toBe(0);
    expect(await checkSignInAllowed(limits, "+44 (20) 7946-0000", undefined)).toBeGreaterThan(0);
  });

  it("starts an account's count again after a successful sign-in", async () => {
    const limits = limitsWith({ SIGN_IN_ACCOUNT_RATE_LIMIT: { points: 3, seconds: 900 } });
    await attempts(3, () => checkSignInAllowed(limits, "ada@example.test", "198.51.100.1"));
    await signInSucceeded(limits, "ADA@example.test");
    expect(await attempts(3, () => checkSignInAllowed(limits, "ada@example.test", "198.51.100.1"))).toEqual([0, 0, 0]);
    expect(await checkSignInAllowed(limits, "ada@example.test", "198.51.100.1")).toBeGreaterThan(0);
  });

  it("refuses an address that guesses at many accounts, while other addresses sign in", async () => {
    const limits = limitsWith({ SIGN_IN_IP_RATE_LIMIT: { points: 5, seconds: 900 } });
    const waits = await attempts(6, async () => checkSignInAllowed(limits, `user${Math.random()}@example.test`, "198.51.100.66"));
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waits[5]).toBeGreaterThan(0);
    // A success does not clear the address: it may be guessing at many accounts.
    await signInSucceeded(limits, "ada@example.test");
    expect(await checkSignInAllowed(limits, "ada@example.test", "198.51.100.66")).toBeGreaterThan(0);
    expect(await checkSignInAllowed(limits, "ada@example.test", "198.51.100.67")).toBe(0);
  });

  it("lets no more than the limit through when guesses arrive all at once", async () => {
    const limits = limitsWith({ SIGN_IN_ACCOUNT_RATE_LIMIT: { points: 10, seconds: 900 } });
    const waits = await Promise.all(Array.from({ length: 100 }, (_, i) => checkSignInAllowed(limits, "ada@example.test", `198.51.100.${i}`)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(10);
  });

  it("is off when the variable says off", async () => {
    const limits = limitsWith({ SIGN_IN_ACCOUNT_RATE_LIMIT: null, SIGN_IN_IP_RATE_LIMIT: null });
    expect((await attempts(100, () => checkSignInAllowed(limits, "ada@example.test", "198.51.100.1"))).every((wait) => wait === 0)).toBe(true);
  });
});

describe("sign-ups per address (SIGN_UP_RATE_LIMIT)", () => {
  it("refuses an address's 3rd account within the interval, and not another address's first", async () => {
    const limits = limitsWith({ SIGN_UP_RATE_LIMIT: { points: 2, seconds: HOUR } });
    expect(await attempts(2, () => limits.consume("signUp", "198.51.100.1"))).toEqual([0, 0]);
    expect(await limits.consume("signUp", "198.51.100.1")).toBeGreaterThan(0);
    expect(await limits.consume("signUp", "198.51.100.2")).toBe(0);
  });
});

describe("the limits the Next.js half uses", () => {
  it("are the server's own instance, shared through globalThis, so both halves count together", async () => {
    const limits = limitsWith({ SIGN_UP_RATE_LIMIT: { points: 1, seconds: HOUR } });
    shareLimits(limits);
    expect(sharedLimits()).toBe(limits);
    expect(await sharedLimits().consume("signUp", "198.51.100.1")).toBe(0);
    expect(await limits.consume("signUp", "198.51.100.1")).toBeGreaterThan(0);
  });
});

describe("rate limit settings", () => {
  const load = (env: Record<string, string>) => loadConfig({ AUTH_SECRET: TEST_SECRET, ...env });

  it("read as <count>/<interval> in seconds, minutes or hours, or off", () => {
    expect(load({})).toMatchObject({
      MESSAGES_RATE_LIMIT: { points: 30, seconds: 10 },
      VISITORS_RATE_LIMIT: { points: 30, seconds: HOUR },
      SIGN_IN_ACCOUNT_RATE_LIMIT: { points: 10, seconds: 900 },
      SIGN_IN_IP_RATE_LIMIT: { points: 50, seconds: 900 },
      SIGN_UP_RATE_LIMIT: { points: 5, seconds: HOUR },
      SOCKET_MAX_PAYLOAD_BYTES: 65_536,
    });
    expect(load({ MESSAGES_RATE_LIMIT: "100 / 1m", SIGN_UP_RATE_LIMIT: "2/h", VISITORS_RATE_LIMIT: "off" })).toMatchObject({
      MESSAGES_RATE_LIMIT: { points: 100, seconds: 60 },
      SIGN_UP_RATE_LIMIT: { points: 2, seconds: HOUR },
      VISITORS_RATE_LIMIT: null,
    });
    expect(load({ MESSAGES_RATE_LIMIT: "" }).MESSAGES_RATE_LIMIT).toEqual({ points: 30, seconds: 10 }); // empty is unset
  });

  it.each(["30", "0/10s", "30/0s", "30/10d", "-1/1s", "many"])("refuse %s, naming the variable", (value) => {
    expect(() => load({ MESSAGES_RATE_LIMIT: value })).toThrow(/Invalid configuration:[\s\S]*MESSAGES_RATE_LIMIT/);
  });
});

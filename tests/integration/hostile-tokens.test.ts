// Hostile clients at the door: forged, tampered, expired and malformed credentials, on the socket handshake
// and on the two HTTP routes that take a visitor token. isolation.test.ts has the plain cases (garbage,
// another secret, expired, unknown device, an agent's device, cookies of another secret or session);
// this file goes after the token's structure, the types around it and the sizes on the wire.
import { randomBytes } from "node:crypto";
import { encode } from "@auth/core/jwt";
import fc from "fast-check";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createAgentSession } from "../../src/core/sessions/agent-session.ts";
import { signVisitorToken } from "../../src/core/tokens/visitor-token.ts";
import {
  expectStillServing,
  handshakeOutcome,
  identifyVisitor,
  openConversation,
  rawHandshake,
  rawHttp,
  seedAgent,
  SESSION_COOKIE,
  sessionCookie,
  TEST_SECRET,
  useServer,
  type HandshakeOutcome,
  type SeededAgent,
} from "./support.ts";

// Every forged token makes POST /api/visitors create a stranger; the per-address limit on those is not under test here.
const { server, track } = useServer({ VISITORS_RATE_LIMIT: null });
const OTHER_SECRET = "someone-elses-secret-of-32-characters!!";
const refused: HandshakeOutcome = { kind: "refused", data: { code: "UNAUTHENTICATED", message: expect.any(String) } };

let agent: SeededAgent;
let victim: { deviceId: string; token: string };
let attacker: { deviceId: string; token: string };

beforeAll(async () => {
  const opened = await openConversation(server);
  agent = opened.agent;
  victim = { deviceId: opened.visitor.visitor.deviceId, token: opened.visitor.token };
  const other = await identifyVisitor(server.url, agent.deviceId);
  attacker = { deviceId: other.visitor.deviceId, token: other.token };
});

// A compact JWS taken apart and put together again, so a test can edit one part and keep the others.
type Jws = { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string; raw: [string, string, string] };
const json64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
function parseJws(token: string): Jws {
  const [h, p, s] = token.split(".") as [string, string, string];
  const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: decode(h), payload: decode(p), signature: s, raw: [h, p, s] };
}
const withPayload = (token: string, edit: (payload: Record<string, unknown>) => Record<string, unknown>) => {
  const { payload, raw } = parseJws(token);
  return `${raw[0]}.${json64(edit(payload))}.${raw[2]}`; // the signature of the original, kept
};
const withHeader = (token: string, header: Record<string, unknown>, signature?: string) => {
  const { raw } = parseJws(token);
  return `${json64(header)}.${raw[1]}.${signature ?? raw[2]}`;
};
/** A character of a base64url string replaced by another: the first, whose 6 bits all count (the last one's may not). */
const flipFirst = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** An HS-signed token with any claims, signed with the server's own secret: what a leak of some other signed token would hand out. */
const signedWithServerSecret = (alg: string, claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(TEST_SECRET));

/**
 * A forged visitor token must get nobody in anywhere: the handshake refuses it, POST /api/visitors treats
 * the browser as a stranger (a new device, never the one the token names) and POST /api/uploads answers 401.
 */
async function expectRefusedEverywhere(token: string, { isGenuineButExpired = false } = {}): Promise<void> {
  expect(await handshakeOutcome(server.url, { auth: { token } })).toEqual(refused);
  // A genuine token that expired only just now is POST /api/visitors' to renew, by design; any other must buy nothing there.
  if (!isGenuineButExpired) {
    const session = await identifyVisitor(server.url, agent.deviceId, token);
    expect([victim.deviceId, attacker.deviceId, agent.deviceId]).not.toContain(session.visitor.deviceId);
  }
  const uploadAttempt = await rawHttp(server.url, "/api/uploads", { headers: { authorization: `Bearer ${token}`, "content-type": "multipart/form-data; boundary=x" }, body: "--x--\r\n" });
  expect({ status: uploadAttempt.status, body: JSON.parse(uploadAttempt.text) }).toEqual({ status: 401, body: { ok: false, error: { code: "UNAUTHENTICATED", message: expect.any(String) } } });
}

describe("a genuine visitor token (the control: every check below can tell it apart)", () => {
  it("connects, keeps its device on POST /api/visitors and gets past authentication on POST /api/uploads", async () => {
    expect(await handshakeOutcome(server.url, { auth: { token: victim.token } })).toEqual({ kind: "connected" });
    expect((await identifyVisitor(server.url, agent.deviceId, victim.token)).visitor.deviceId).toBe(victim.deviceId);
    const uploadAttempt = await rawHttp(server.url, "/api/uploads", { headers: { authorization: `Bearer ${victim.token}`, "content-type": "multipart/form-data; boundary=x" }, body: "--x--\r\n" });
    expect(uploadAttempt.status).toBe(400); // authenticated; only the empty form is wrong
  });

  it("survives the parse-and-reassemble these tests use, byte for byte", () => {
    expect(withPayload(victim.token, (payload) => payload)).toBe(victim.token);
    expect(withHeader(victim.token, parseJws(victim.token).header)).toBe(victim.token);
  });
});

describe("tampered visitor tokens", () => {
  const tampered: Record<string, () => Promise<string> | string> = {
    "the payload edited to name another visitor, signature kept": () => withPayload(attacker.token, (payload) => ({ ...payload, sub: victim.deviceId })),
    "the payload edited to name the agent's device, signature kept": () => withPayload(attacker.token, (payload) => ({ ...payload, sub: agent.deviceId })),
    "an expired token's exp pushed a year ahead, signature kept": async () => {
      const expired = await signVisitorToken(victim.deviceId, { secret: TEST_SECRET, ttlSeconds: 60, now: new Date(Date.now() - 3600_000) });
      return withPayload(expired, (payload) => ({ ...payload, exp: nowSeconds() + 365 * 86400 }));
    },
    "the audience removed, signature kept": () => withPayload(victim.token, ({ aud: _aud, ...payload }) => payload),
    "the signature's first character changed": () => {
      const { raw } = parseJws(victim.token);
      return `${raw[0]}.${raw[1]}.${flipFirst(raw[2])}`;
    },
    "the signature removed": () => withHeader(victim.token, parseJws(victim.token).header, ""),
    "the signature of another genuine token": () => withHeader(victim.token, parseJws(victim.token).header, parseJws(attacker.token).signature),
    "a fourth segment appended": () => `${victim.token}.${parseJws(victim.token).signature}`,
    "only two segments": () => parseJws(victim.token).raw.slice(0, 2).join("."),
  };
  for (const [name, make] of Object.entries(tampered)) {
    it(`refuses ${name}`, async () => {
      await expectRefusedEverywhere(await make());
    });
  }
});

describe("tokens that choose their own algorithm", () => {
  const algorithmTricks: Record<string, () => Promise<string> | string> = {
    'alg "none" and no signature': () => withHeader(victim.token, { alg: "none", typ: "JWT" }, ""),
    'alg "none" and the original signature': () => withHeader(victim.token, { alg: "none" }),
    'alg "None" and no signature': () => withHeader(victim.token, { alg: "None" }, ""),
    'alg "NONE" and no signature': () => withHeader(victim.token, { alg: "NONE" }, ""),
    "alg switched to HS512, signature kept": () => withHeader(victim.token, { alg: "HS512" }),
    "alg RS256 (the secret played as a public key), signature kept": () => withHeader(victim.token, { alg: "RS256" }),
    "no alg at all": () => withHeader(victim.token, {}),
    // Signed with the right secret: only the pinned algorithm and audience keep such tokens out.
    "HS512 signed with the server's own secret": () => signedWithServerSecret("HS512", { sub: victim.deviceId, aud: "parley:visitor", exp: nowSeconds() + 3600 }),
    "HS384 signed with the server's own secret": () => signedWithServerSecret("HS384", { sub: victim.deviceId, aud: "parley:visitor", exp: nowSeconds() + 3600 }),
    "HS256 with the server's secret for another audience": () => signedWithServerSecret("HS256", { sub: victim.deviceId, aud: "parley:agent", exp: nowSeconds() + 3600 }),
    "HS256 with the server's secret and no audience": () => signedWithServerSecret("HS256", { sub: victim.deviceId, exp: nowSeconds() + 3600 }),
    "HS256 with the server's secret and no expiry (a token that would never die)": () => signedWithServerSecret("HS256", { sub: victim.deviceId, aud: "parley:visitor" }),
    "HS256 with the server's secret and a subject that is not a string": () => signedWithServerSecret("HS256", { sub: 42, aud: "parley:visitor", exp: nowSeconds() + 3600 }),
    "a critical header the server does not understand": () => signedWithServerSecret("HS256", { sub: victim.deviceId, aud: "parley:visitor", exp: nowSeconds() + 3600 }).then((token) => withHeader(token, { alg: "HS256", crit: ["x-parley"], "x-parley": 1 })),
  };
  for (const [name, make] of Object.entries(algorithmTricks)) {
    it(`refuses ${name}`, async () => {
      await expectRefusedEverywhere(await make());
    });
  }
});

describe("expiry", () => {
  it("refuses a token that expired two seconds ago: there is no grace", async () => {
    const token = await signVisitorToken(victim.deviceId, { secret: TEST_SECRET, ttlSeconds: 60, now: new Date(Date.now() - 62_000) });
    await expectRefusedEverywhere(token, { isGenuineButExpired: true });
  });

  it("accepts the same token one minute before it expires (the boundary test above is not refusing everything)", async () => {
    const token = await signVisitorToken(victim.deviceId, { secret: TEST_SECRET, ttlSeconds: 120, now: new Date(Date.now() - 60_000) });
    expect(await handshakeOutcome(server.url, { auth: { token } })).toEqual({ kind: "connected" });
  });

  it("refuses an expired token signed with another secret for the agent's device", async () => {
    await expectRefusedEverywhere(await signVisitorToken(agent.deviceId, { secret: OTHER_SECRET, ttlSeconds: 60, now: new Date(Date.now() - 3600_000) }));
  });
});

describe("garbage and odd types as auth.token", () => {
  it("refuses arbitrary strings, dotted or not", async () => {
    const segment = fc.base64String({ maxLength: 80 }).map((text) => text.replace(/=+$/, ""));
    const garbage = fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.tuple(segment, segment, segment).map((parts) => parts.join(".")), fc.constantFrom("null", "undefined", "Bearer", "..", "eyJ", "{}", "\u0000"));
    await fc.assert(
      fc.asyncProperty(garbage, async (token) => {
        expect(await handshakeOutcome(server.url, { auth: { token } })).toEqual(refused);
      }),
      { numRuns: 30 },
    );
  });

  const oddValues: Record<string, () => unknown> = {
    "a number": () => 1,
    zero: () => 0,
    "a huge number": () => 1e308,
    "a boolean": () => true,
    null: () => null,
    "an empty object": () => ({}),
    "an object holding a genuine token": () => ({ token: victim.token }),
    "an array holding a genuine token": () => [victim.token],
    "an empty array": () => [],
    "an object with toString": () => ({ toString: victim.token, valueOf: victim.token }),
    "an empty string": () => "",
  };
  for (const [name, value] of Object.entries(oddValues)) {
    it(`refuses ${name}`, async () => {
      expect(await handshakeOutcome(server.url, { auth: { token: value() } })).toEqual(refused);
    });
  }

  it("refuses a 60 KB token, which still fits in one packet", async () => {
    expect(await handshakeOutcome(server.url, { auth: { token: "e".repeat(60_000) } })).toEqual(refused);
  });

  it("closes the connection on a 100 KB token, over the packet limit, and goes on serving others", async () => {
    expect(await handshakeOutcome(server.url, { auth: { token: `${victim.token}${"x".repeat(100_000)}` } })).toMatchObject({ kind: "closed" });
    await expectStillServing(server, track);
  });
});

describe("CONNECT packets no client library would send", () => {
  it("accepts a well-formed raw CONNECT with a genuine token (the control)", async () => {
    expect(await rawHandshake(server.url, `0${JSON.stringify({ token: victim.token })}`)).toEqual({ kind: "connected" });
  });

  const closes: Record<string, () => string> = {
    "auth as a bare string": () => `0${JSON.stringify(victim.token)}`,
    "auth as an array": () => `0${JSON.stringify([victim.token])}`,
    "auth as a number": () => "0-42", // a leading digit would be read as an ack id
    "auth as a boolean": () => "0true",
    "auth that is not JSON": () => `0{"token":"${victim.token}"`,
  };
  for (const [name, frame] of Object.entries(closes)) {
    it(`closes the connection on ${name}`, async () => {
      expect(await rawHandshake(server.url, frame())).toMatchObject({ kind: "closed" });
    });
  }

  it("refuses auth whose token hides behind a __proto__ key, and pollutes nothing", async () => {
    expect(await rawHandshake(server.url, '0{"__proto__":{"polluted":1,"token":1}}')).toEqual(refused);
    expect(await rawHandshake(server.url, '0{"constructor":{"prototype":{"polluted":1}}}')).toEqual(refused);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("takes the last of duplicate token keys, as JSON.parse does: a genuine token then garbage is refused", async () => {
    expect(await rawHandshake(server.url, `0{"token":"${victim.token}","token":"garbage"}`)).toEqual(refused);
  });

  it("goes on serving others after all of these", async () => {
    await expectStillServing(server, track);
  });
});

describe("forged agent cookies", () => {
  const withCookie = (cookie: string) => ({ extraHeaders: { cookie } });
  const jwe = (token: Record<string, unknown>, { salt = SESSION_COOKIE, maxAge }: { salt?: string; maxAge?: number } = {}) => encode({ token, secret: TEST_SECRET, salt, maxAge });

  it("connects with a genuine cookie (the control)", async () => {
    expect(await handshakeOutcome(server.url, withCookie(agent.cookie))).toEqual({ kind: "connected" });
  });

  const forgeries: Record<string, () => Promise<string>> = {
    "a garbage value shaped like a JWE (five base64url segments)": async () => `${SESSION_COOKIE}=${Array.from({ length: 5 }, () => randomBytes(24).toString("base64url")).join(".")}`,
    "a genuine JWE whose ciphertext is altered": async () => {
      const parts = agent.cookie.slice(SESSION_COOKIE.length + 1).split(".");
      parts[3] = flipFirst(parts[3]!);
      return `${SESSION_COOKIE}=${parts.join(".")}`;
    },
    "a genuine JWE whose authentication tag is altered": async () => {
      const parts = agent.cookie.slice(SESSION_COOKIE.length + 1).split(".");
      parts[4] = flipFirst(parts[4]!);
      return `${SESSION_COOKIE}=${parts.join(".")}`;
    },
    "a JWE for a live session, encrypted for the other cookie name": async () => `${SESSION_COOKIE}=${await jwe({ sessionToken: agent.sessionToken }, { salt: `__Secure-${SESSION_COOKIE}` })}`,
    "a JWE for a live session that expired a minute ago": async () => `${SESSION_COOKIE}=${await jwe({ sessionToken: agent.sessionToken }, { maxAge: -60 })}`,
    "a JWE naming an expired session row": async () => {
      const sessionToken = await createAgentSession(server.db, agent.id, new Date(Date.now() - 31 * 86400_000));
      return sessionCookie({ sessionToken });
    },
    // Passed to the database as a filter, an object would match someone's session: it must never get that far.
    "a JWE whose sessionToken is a query object": async () => sessionCookie({ sessionToken: { not: "" } }),
    "a JWE whose sessionToken is a number": async () => sessionCookie({ sessionToken: 1 }),
    "a JWE whose sessionToken is an array": async () => sessionCookie({ sessionToken: [agent.sessionToken] }),
    "a JWE whose sessionToken is SQL": async () => sessionCookie({ sessionToken: "' OR '1'='1" }),
    "a JWE with no sessionToken, only the agent's IDs": async () => sessionCookie({ sub: agent.id, agentId: agent.id, deviceId: agent.deviceId }),
    "a signed (not encrypted) JWT naming a live session": async () => `${SESSION_COOKIE}=${await signedWithServerSecret("HS256", { sessionToken: agent.sessionToken })}`,
    "a genuine visitor token as the cookie": async () => `${SESSION_COOKIE}=${victim.token}`,
    "the session token itself, unencrypted": async () => `${SESSION_COOKIE}=${agent.sessionToken}`,
    "a 10 KB garbage cookie": async () => `${SESSION_COOKIE}=${"a".repeat(10_000)}`,
  };
  for (const [name, make] of Object.entries(forgeries)) {
    it(`refuses ${name}`, async () => {
      expect(await handshakeOutcome(server.url, withCookie(await make()))).toEqual(refused);
    });
  }

  it("refuses a cookie header over Node's header limit before any of it is read", async () => {
    expect(await handshakeOutcome(server.url, withCookie(`${SESSION_COOKIE}=${"a".repeat(100_000)}`))).toMatchObject({ kind: "closed" });
  });

  it("does not fall back to a genuine agent cookie when a forged visitor token comes with it", async () => {
    const forged = withPayload(attacker.token, (payload) => ({ ...payload, sub: victim.deviceId }));
    expect(await handshakeOutcome(server.url, { auth: { token: forged }, extraHeaders: { cookie: agent.cookie } })).toEqual(refused);
  });

  it("refuses a forged cookie on POST /api/uploads as well", async () => {
    const cookie = await sessionCookie({ sessionToken: { not: "" } });
    const attempt = await rawHttp(server.url, "/api/uploads", { headers: { cookie, "content-type": "multipart/form-data; boundary=x" }, body: "--x--\r\n" });
    expect(attempt.status).toBe(401);
  });

  it("goes on serving others after all of these", async () => {
    const other = await seedAgent(server.db);
    expect(await handshakeOutcome(server.url, withCookie(other.cookie))).toEqual({ kind: "connected" });
    await expectStillServing(server, track);
  });
});

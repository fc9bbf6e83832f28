import { jwtVerify, SignJWT, type JWTPayload } from "jose";
import { ChatError } from "../errors.ts";
import type { DeviceId } from "../ids.ts";

const AUDIENCE = "parley:visitor";
const encoder = new TextEncoder();

export type TokenOptions = { secret: string; ttlSeconds: number; now?: Date };
type VerifyOptions = Omit<TokenOptions, "ttlSeconds">;

/**
 * What a visitor token says besides its device. All optional: a token names the widget it was issued
 * through (`agentDeviceId`) and the origin of the page it sat on, so that the handshake
 * can hold it to that agent's current allowed origins; a verified visitor's token also carries the
 * site's user ID and which of the agent's identity secrets proved it.
 */
export type TokenClaims = { agentDeviceId?: DeviceId; origin?: string; userId?: string; identityKey?: string };
export type VisitorClaims = TokenClaims & { deviceId: DeviceId };

// Short names in the JWT, long ones in code.
const CLAIMS = Object.entries({ agentDeviceId: "agt", origin: "org", userId: "uid", identityKey: "ikey" } satisfies Record<keyof TokenClaims, string>) as [keyof TokenClaims, string][];

/** A visitor's proof of its device ID: HS256-signed, with an expiry; renewed each time the widget loads. */
export async function signVisitorToken(deviceId: DeviceId, { secret, ttlSeconds, now = new Date() }: TokenOptions, claims: TokenClaims = {}): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const payload: Record<string, string> = {};
  for (const [name, short] of CLAIMS) if (claims[name] !== undefined) payload[short] = claims[name];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(deviceId)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(encoder.encode(secret));
}

/** The device a valid, unexpired token proves. */
export async function verifyVisitorToken(token: string, options: VerifyOptions): Promise<DeviceId> {
  return (await readVisitorToken(token, options)).deviceId;
}

/** Everything a valid, unexpired token says. Anything else is UNAUTHENTICATED. */
export function readVisitorToken(token: string, { secret, now = new Date() }: VerifyOptions): Promise<VisitorClaims> {
  return read(token, secret, now, 0);
}

/**
 * A token that is genuine but may have expired up to `renewSeconds` ago: only POST /api/visitors takes
 * these, to issue a fresh token for the same device. The signature is checked exactly as always, so a
 * forged or tampered token is refused however recent it claims to be.
 */
export function readRenewableVisitorToken(token: string, { secret, renewSeconds, now = new Date() }: VerifyOptions & { renewSeconds: number }): Promise<VisitorClaims> {
  return read(token, secret, now, renewSeconds);
}

async function read(token: string, secret: string, now: Date, graceSeconds: number): Promise<VisitorClaims> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), {
      audience: AUDIENCE,
      algorithms: ["HS256"], // never let the token choose its own algorithm ("none", or RS/HS confusion)
      currentDate: now,
      clockTolerance: graceSeconds, // only widens the expiry check (exp) and nbf, which we never set
      requiredClaims: ["exp"],
    });
    if (typeof payload.sub !== "string") throw new Error("token has no subject");
    return { deviceId: payload.sub, ...claimsOf(payload) };
  } catch (err) {
    throw new ChatError("UNAUTHENTICATED", "visitor token is invalid or expired", { cause: err });
  }
}

function claimsOf(payload: JWTPayload): TokenClaims {
  const claims: TokenClaims = {};
  for (const [name, short] of CLAIMS) {
    const value = payload[short];
    if (value === undefined) continue;
    if (typeof value !== "string") throw new Error(`token claim ${short} is not a string`);
    claims[name] = value;
  }
  return claims;
}

import { jwtVerify, SignJWT } from "jose";
import { ChatError } from "../errors.ts";
import type { DeviceId } from "../ids.ts";

const AUDIENCE = "parley:visitor";
const encoder = new TextEncoder();

export type TokenOptions = { secret: string; ttlSeconds: number; now?: Date };

/** A visitor's proof of its device ID: HS256-signed, with an expiry; renewed each time the widget loads. */
export async function signVisitorToken(deviceId: DeviceId, { secret, ttlSeconds, now = new Date() }: TokenOptions): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(deviceId)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(encoder.encode(secret));
}

export async function verifyVisitorToken(token: string, { secret, now = new Date() }: Omit<TokenOptions, "ttlSeconds">): Promise<DeviceId> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), {
      audience: AUDIENCE,
      algorithms: ["HS256"], // never let the token choose its own algorithm ("none", or RS/HS confusion)
      currentDate: now,
    });
    if (typeof payload.sub !== "string") throw new Error("token has no subject");
    return payload.sub;
  } catch (err) {
    throw new ChatError("UNAUTHENTICATED", "visitor token is invalid or expired", { cause: err });
  }
}

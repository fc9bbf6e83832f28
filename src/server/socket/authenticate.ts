import type { Actor } from "../../core/actor.ts";
import type { Db } from "../../core/db.ts";
import { ChatError } from "../../core/errors.ts";
import { agentFromCookies, parseCookieHeader } from "../../core/sessions/session-cookie.ts";
import { verifyVisitorToken } from "../../core/tokens/visitor-token.ts";

type Handshake = { auth: Record<string, unknown>; headers: { cookie?: string } };

/**
 * Proves who opens a socket: a visitor by its signed token (handshake `auth.token`), an agent by the
 * NextAuth session cookie whose session row must still exist. Anything else is refused.
 */
export async function authenticate(handshake: Handshake, db: Db, secret: string): Promise<Actor> {
  const token = handshake.auth.token;
  if (typeof token === "string" && token) {
    const deviceId = await verifyVisitorToken(token, { secret });
    const device = await db.device.findUnique({ where: { id: deviceId }, select: { kind: true } });
    if (device?.kind !== "VISITOR") throw new ChatError("UNAUTHENTICATED", "visitor token is invalid or expired");
    return { kind: "visitor", deviceId };
  }
  const agent = await agentFromCookies(parseCookieHeader(handshake.headers.cookie ?? ""), db, secret);
  if (!agent) throw new ChatError("UNAUTHENTICATED", "sign in as an agent, or pass a visitor token in auth.token");
  return agent;
}

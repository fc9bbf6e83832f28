import type { Actor } from "../../core/actor.ts";
import type { Db } from "../../core/db.ts";
import { ChatError } from "../../core/errors.ts";
import { agentFromCookies, parseCookieHeader } from "../../core/sessions/session-cookie.ts";
import { verifyVisitorToken } from "../../core/tokens/visitor-token.ts";

/** What a caller presents: the socket handshake's `auth.token` and cookie, or an HTTP request's bearer token and cookie. */
type Credentials = { token?: unknown; cookie?: string };

/**
 * Proves who is asking: a visitor by its signed token, an agent by the NextAuth session cookie whose
 * session row must still exist. A token, when present, decides alone. Anything else is refused.
 */
export async function authenticate({ token, cookie }: Credentials, db: Db, secret: string): Promise<Actor> {
  if (typeof token === "string" && token) {
    const deviceId = await verifyVisitorToken(token, { secret });
    const device = await db.device.findUnique({ where: { id: deviceId }, select: { kind: true } });
    if (device?.kind !== "VISITOR") throw new ChatError("UNAUTHENTICATED", "visitor token is invalid or expired");
    return { kind: "visitor", deviceId };
  }
  const agent = await agentFromCookies(parseCookieHeader(cookie ?? ""), db, secret);
  if (!agent) throw new ChatError("UNAUTHENTICATED", "sign in as an agent, or pass a visitor token");
  return agent;
}

import type { Actor } from "../../core/actor.ts";
import type { Db } from "../../core/db.ts";
import { ChatError } from "../../core/errors.ts";
import { agentFromCookies, parseCookieHeader } from "../../core/sessions/session-cookie.ts";
import { readVisitorToken } from "../../core/tokens/visitor-token.ts";
import { authorizeVisitor } from "../../core/visitors/authorize-visitor.ts";

/**
 * What a caller presents: the socket handshake's `auth.token`, `auth.page` and cookie, or an HTTP request's
 * bearer token and cookie.
 */
type Credentials = { token?: unknown; page?: unknown; cookie?: string };

/**
 * Proves who is asking: a visitor by its signed token (held, at every handshake, to its device's verified
 * identity and its widget's allowed origins as they are now), an agent by the NextAuth session cookie whose
 * session row must still exist. A token, when present, decides alone. Anything else is refused.
 */
export async function authenticate({ token, page, cookie }: Credentials, db: Db, secret: string): Promise<Actor> {
  if (typeof token === "string" && token) {
    const claims = await readVisitorToken(token, { secret });
    return authorizeVisitor(db, claims, typeof page === "string" && page ? page : undefined);
  }
  const agent = await agentFromCookies(parseCookieHeader(cookie ?? ""), db, secret);
  if (!agent) throw new ChatError("UNAUTHENTICATED", "sign in as an agent, or pass a visitor token");
  return agent;
}

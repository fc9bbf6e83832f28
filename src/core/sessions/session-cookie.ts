import { decode } from "@auth/core/jwt";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { findAgentBySession } from "./agent-session.ts";

// NextAuth names its cookie by whether the site is served over HTTPS; the cookie name is also the JWT's salt.
export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/**
 * The agent behind a NextAuth session cookie: the JWT must decrypt with our secret and name a session
 * row that still exists. Used by the socket handshake and by the console's pages alike.
 */
export async function agentFromCookies(cookies: ReadonlyMap<string, string>, db: Db, secret: string): Promise<Extract<Actor, { kind: "agent" }> | null> {
  for (const name of SESSION_COOKIES) {
    const value = cookies.get(name);
    if (!value) continue;
    const jwt = await decode({ token: value, secret, salt: name }).catch(() => null);
    const agent = typeof jwt?.sessionToken === "string" ? await findAgentBySession(db, jwt.sessionToken) : null;
    if (agent) return agent;
  }
  return null;
}

export function parseCookieHeader(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    try {
      cookies.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed cookie of someone else's is not our concern; skip it
    }
  }
  return cookies;
}

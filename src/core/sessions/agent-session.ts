import { randomBytes } from "node:crypto";
import type { Db } from "../db.ts";
import type { Actor } from "../actor.ts";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/** A row per sign-in; its token rides in the NextAuth cookie so that deleting the row revokes the cookie. */
export async function createAgentSession(db: Db, agentId: string, now = new Date()): Promise<string> {
  const sessionToken = randomBytes(32).toString("base64url");
  await db.session.create({ data: { sessionToken, agentId, expires: new Date(now.getTime() + SESSION_TTL_MS) } });
  return sessionToken;
}

/** The agent behind a live session token, or null when it was revoked, expired or never existed. */
export async function findAgentBySession(db: Db, sessionToken: string, now = new Date()): Promise<Extract<Actor, { kind: "agent" }> | null> {
  const session = await db.session.findUnique({ where: { sessionToken }, include: { agent: { select: { deviceId: true } } } });
  if (!session || session.expires <= now) return null;
  return { kind: "agent", agentId: session.agentId, deviceId: session.agent.deviceId, sessionToken };
}

// Sign-out runs inside Next.js, the sockets live in the custom server: both are in one process, and
// this listener list on globalThis is how the first tells the second to cut that session's sockets.
const LISTENERS = Symbol.for("parley.sessionRevoked");
type WithListeners = typeof globalThis & { [LISTENERS]?: Set<(sessionToken: string) => void> };
const listeners = () => ((globalThis as WithListeners)[LISTENERS] ??= new Set());

export function onSessionRevoked(listener: (sessionToken: string) => void): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export async function revokeAgentSession(db: Db, sessionToken: string): Promise<void> {
  await db.session.deleteMany({ where: { sessionToken } });
  for (const listener of listeners()) listener(sessionToken);
}

/**
 * Of these session tokens, the ones still live: the row exists and has not expired. Live sockets are
 * rechecked with this now and then, so a session that ends without a sign-out (it expires, or an
 * administrator deletes its row in the database) loses its sockets too.
 */
export async function liveSessionTokens(db: Db, sessionTokens: readonly string[], now = new Date()): Promise<Set<string>> {
  if (!sessionTokens.length) return new Set();
  const rows = await db.session.findMany({ where: { sessionToken: { in: [...sessionTokens] }, expires: { gt: now } }, select: { sessionToken: true } });
  return new Set(rows.map((row) => row.sessionToken));
}

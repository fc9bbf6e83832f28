import { z } from "zod";
import type { Actor } from "../../core/actor.ts";
import type { Db } from "../../core/db.ts";
import { ChatError } from "../../core/errors.ts";
import { findAgentBySession } from "../../core/sessions/agent-session.ts";
import { readVisitorToken } from "../../core/tokens/visitor-token.ts";
import { authorizeVisitor } from "../../core/visitors/authorize-visitor.ts";

export const goimTokenSchema = z.string().trim().min(1, "a token is required").max(4096);

// A visitor token is a JWT (three base64url parts); an agent's is the session token of an /auth/login.
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Who a golang-im token proves: the visitor of an /open/adduser (a visitor token, held to its widget's
 * rules exactly as a Socket.IO handshake is), or the agent of an /auth/login (a session row that must still
 * exist, so signing out cuts it). Anything else is UNAUTHENTICATED.
 */
export async function goimActor(db: Db, secret: string, token: string): Promise<Actor> {
  if (JWT.test(token)) return authorizeVisitor(db, await readVisitorToken(token, { secret }));
  const agent = await findAgentBySession(db, token);
  if (!agent) throw new ChatError("UNAUTHENTICATED", "the token is invalid or expired: call /open/adduser or /auth/login again");
  return agent;
}

import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { isOriginAllowed, originOf } from "../identity/allowed-origins.ts";
import { identityKeyOf } from "../identity/identity-hash.ts";
import type { VisitorClaims } from "../tokens/visitor-token.ts";

type VisitorActor = Extract<Actor, { kind: "visitor" }>;

/**
 * Whether a valid token still admits its visitor, checked at every handshake (and for every upload)
 * against the database as it is now: the device is a visitor's; a verified user's device is reached
 * only with a token that carries that user's ID under the site's current identity secret, and an
 * anonymous device only with a token that carries none; and the page it runs on (the token's, and
 * `page` from the client) is still one of the widget's allowed origins.
 */
export async function authorizeVisitor(db: Db, claims: VisitorClaims, page?: string): Promise<VisitorActor> {
  const device = await db.device.findUnique({
    where: { id: claims.deviceId },
    select: { kind: true, externalUserId: true, identityAgent: { select: { deviceId: true, identitySecret: true } } },
  });
  if (device?.kind !== "VISITOR") throw new ChatError("UNAUTHENTICATED", "visitor token is invalid or expired");
  const verified = device.externalUserId !== null ? { userId: device.externalUserId, agentDeviceId: device.identityAgent!.deviceId } : undefined;
  const isSameIdentity = claims.userId === verified?.userId && (!verified || claims.agentDeviceId === verified.agentDeviceId);
  if (!isSameIdentity) throw new ChatError("UNAUTHENTICATED", "visitor token does not carry this visitor's verified identity");
  // A rotated secret cuts the sessions it proved: the site's server must sign its users with the new one.
  if (verified && claims.identityKey !== identityKeyOf(device.identityAgent!.identitySecret)) {
    throw new ChatError("UNAUTHENTICATED", "the site's identity secret has changed since this token was issued");
  }
  await checkOrigins(db, claims, page);
  return { kind: "visitor", deviceId: claims.deviceId, ...(verified && { verified }) };
}

async function checkOrigins(db: Db, { agentDeviceId, origin }: VisitorClaims, page: string | undefined): Promise<void> {
  if (!agentDeviceId) return; // a token from before tokens named their widget: nothing to hold it to
  const agent = await db.agent.findUnique({ where: { deviceId: agentDeviceId }, select: { allowedOrigins: true } });
  if (!agent) throw new ChatError("UNAUTHENTICATED", "visitor token is invalid or expired");
  // Both must be allowed: where the token was issued, and where the client says it runs now.
  const pageOrigin = page === undefined ? origin : originOf(page);
  for (const candidate of new Set([origin, pageOrigin])) {
    if (!isOriginAllowed(agent.allowedOrigins, candidate)) {
      throw new ChatError("FORBIDDEN", `this chat may not be embedded on ${candidate ?? "this page"}: the agent's allowed origins do not include it`);
    }
  }
}

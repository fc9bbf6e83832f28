import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";

/**
 * A visitor acts only under its device's own identity: a verified user's device with that user's ID, an
 * anonymous device with none. The handshake checked this once; it is checked again on every request that
 * reads or writes a conversation, so no path skips it (Chatwoot's issue 9493 was a check made only when
 * the user was set). Agents pass: their identity is their session.
 */
export async function assertVisitorIdentity(db: Db, actor: Actor): Promise<void> {
  if (actor.kind !== "visitor") return;
  const device = await db.device.findUnique({ where: { id: actor.deviceId }, select: { kind: true, externalUserId: true } });
  const isOwnIdentity = device?.kind === "VISITOR" && device.externalUserId === (actor.verified?.userId ?? null);
  if (!isOwnIdentity) throw new ChatError("FORBIDDEN", "this visitor's verified identity does not match its device");
}

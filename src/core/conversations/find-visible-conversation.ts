import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { assertVisitorIdentity } from "../identity/assert-visitor-identity.ts";
import type { ConversationId } from "../ids.ts";

/** The conversation, if the actor is one of its two devices (and, for a visitor, acts under its device's own identity). */
export async function findVisibleConversation(db: Db, id: ConversationId, actor: Actor) {
  const [conversation] = await Promise.all([db.conversation.findUnique({ where: { id } }), assertVisitorIdentity(db, actor)]);
  const isParticipant = conversation?.visitorDeviceId === actor.deviceId || conversation?.agentDeviceId === actor.deviceId;
  // "Missing" and "not yours" get the same answer, so nobody can probe which room IDs exist.
  if (!conversation || !isParticipant) throw new ChatError("NOT_FOUND", "conversation not found");
  return conversation;
}

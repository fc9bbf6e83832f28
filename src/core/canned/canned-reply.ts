import { z } from "zod";
import type { Actor } from "../actor.ts";
import { ChatError } from "../errors.ts";

/** An agent's saved reply: typing `/` and the shortcut in the message box offers it. */
export type CannedReply = { id: string; shortcut: string; body: string };

export const MAX_CANNED_REPLIES = 200;
export const MAX_CANNED_BODY_LENGTH = 4000; // a reply is inserted into a message, so it may be as long as one

export const cannedReplyIdSchema = z.uuid().transform((id) => id.toLowerCase());

/** The fields a list query and a write return: never the agent's ID or timestamps. */
export const cannedReplySelect = { id: true, shortcut: true, body: true } as const;

/** Saved replies belong to one agent; visitors have none. */
export function cannedOwnerOf(actor: Actor): string {
  if (actor.kind !== "agent") throw new ChatError("FORBIDDEN", "only an agent has saved replies");
  return actor.agentId;
}

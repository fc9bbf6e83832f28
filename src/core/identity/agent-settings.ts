import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { allowedOriginsSchema } from "./allowed-origins.ts";
import { newIdentitySecret } from "./identity-hash.ts";

/** The widget's security settings: which sites may embed it, and the secret that signs the site's user IDs. */
export type AgentSettings = { allowedOrigins: string[]; identitySecret: string };

export const updateAgentSettingsSchema = z
  .object({
    allowedOrigins: allowedOriginsSchema.optional(),
    // A new secret makes every userHash computed with the old one invalid: the site must switch to the new one.
    rotateIdentitySecret: z.literal(true).optional(),
  })
  .refine((input) => input.allowedOrigins !== undefined || input.rotateIdentitySecret, { message: "nothing to change: pass allowedOrigins or rotateIdentitySecret" });
export type UpdateAgentSettingsInput = z.infer<typeof updateAgentSettingsSchema>;

const select = { allowedOrigins: true, identitySecret: true } as const;

/** The settings of the agent who asks; visitors have none, and are told so. */
export async function getAgentSettings(db: Db, actor: Actor): Promise<AgentSettings> {
  return db.agent.findUniqueOrThrow({ where: { id: agentIdOf(actor) }, select });
}

export async function updateAgentSettings(db: Db, input: UpdateAgentSettingsInput, actor: Actor): Promise<AgentSettings & { rotatedIdentitySecret: boolean }> {
  const settings = await db.agent.update({
    where: { id: agentIdOf(actor) },
    data: { allowedOrigins: input.allowedOrigins, identitySecret: input.rotateIdentitySecret ? newIdentitySecret() : undefined },
    select,
  });
  return { ...settings, rotatedIdentitySecret: input.rotateIdentitySecret === true };
}

function agentIdOf(actor: Actor): string {
  if (actor.kind !== "agent") throw new ChatError("FORBIDDEN", "only an agent has widget settings");
  return actor.agentId;
}

/** The origins allowed to embed an agent's widget, by the agent's device ID; none listed (any site) for an unknown agent. */
export async function allowedOriginsOf(db: Db, agentDeviceId: string): Promise<string[]> {
  const agent = await db.agent.findUnique({ where: { deviceId: agentDeviceId }, select: { allowedOrigins: true } });
  return agent?.allowedOrigins ?? [];
}

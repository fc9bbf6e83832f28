import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { allowedOriginsSchema } from "./allowed-origins.ts";
import { newIdentitySecret } from "./identity-hash.ts";

/** How the widget looks and behaves on the agent's site (Settings in the console). */
export type WidgetSettings = {
  color: string; // #rrggbb, the launcher and the window's header
  greeting: string; // shown in the window before the first message; "" = the default greeting
  position: "right" | "left";
  offlineMessage: string; // shown while no agent is online; "" = the default text
  preChatForm: boolean; // ask for name and email before the first message
};

/** What the widget needs before anyone chats, public by the agent's device ID (GET /api/widget/:agentId). */
export type PublicWidgetConfig = { agent: { deviceId: string; name: string; avatarUrl: string | null }; widget: WidgetSettings; online: boolean };

/**
 * The agent's own settings: display name and avatar, the widget's looks, which sites may embed it, and the
 * secret that signs the site's user IDs.
 */
export type AgentSettings = { name: string; avatarUrl: string | null; widget: WidgetSettings; allowedOrigins: string[]; identitySecret: string };

const widgetSettingsSchema = z
  .object({
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #4f46e5").transform((c) => c.toLowerCase()),
    greeting: z.string().trim().max(500),
    position: z.enum(["right", "left"]),
    offlineMessage: z.string().trim().max(500),
    preChatForm: z.boolean(),
  })
  .partial()
  .strict();

export const updateAgentSettingsSchema = z
  .object({
    name: z.string().trim().min(1, "a display name is required").max(80).optional(),
    widget: widgetSettingsSchema.optional(),
    allowedOrigins: allowedOriginsSchema.optional(),
    // A new secret makes every userHash computed with the old one invalid: the site must switch to the new one.
    rotateIdentitySecret: z.literal(true).optional(),
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), { message: "nothing to change: pass name, widget, allowedOrigins or rotateIdentitySecret" });
export type UpdateAgentSettingsInput = z.infer<typeof updateAgentSettingsSchema>;

const select = {
  name: true,
  deviceId: true,
  avatarKey: true,
  widgetColor: true,
  widgetGreeting: true,
  widgetPosition: true,
  offlineMessage: true,
  preChatForm: true,
  allowedOrigins: true,
  identitySecret: true,
} as const;
type Row = Prisma.AgentGetPayload<{ select: typeof select }>;

/** Where an agent's avatar is served; the key in the query makes a new avatar a new URL, so caches never show the old one. */
export const avatarUrlOf = (agent: { deviceId: string; avatarKey: string | null }) => (agent.avatarKey ? `/api/agents/${agent.deviceId}/avatar?v=${encodeURIComponent(agent.avatarKey)}` : null);

export function widgetSettingsOf(row: Pick<Row, "widgetColor" | "widgetGreeting" | "widgetPosition" | "offlineMessage" | "preChatForm">): WidgetSettings {
  return { color: row.widgetColor, greeting: row.widgetGreeting, position: row.widgetPosition === "LEFT" ? "left" : "right", offlineMessage: row.offlineMessage, preChatForm: row.preChatForm };
}

const toSettings = (row: Row): AgentSettings => ({
  name: row.name,
  avatarUrl: avatarUrlOf(row),
  widget: widgetSettingsOf(row),
  allowedOrigins: row.allowedOrigins,
  identitySecret: row.identitySecret,
});

/** The settings of the agent who asks; visitors have none, and are told so. */
export async function getAgentSettings(db: Db, actor: Actor): Promise<AgentSettings> {
  return toSettings(await db.agent.findUniqueOrThrow({ where: { id: agentIdOf(actor) }, select }));
}

export async function updateAgentSettings(db: Db, input: UpdateAgentSettingsInput, actor: Actor): Promise<AgentSettings & { rotatedIdentitySecret: boolean }> {
  const { widget = {} } = input;
  const row = await db.agent.update({
    where: { id: agentIdOf(actor) },
    data: {
      name: input.name,
      widgetColor: widget.color,
      widgetGreeting: widget.greeting,
      widgetPosition: widget.position && (widget.position === "left" ? "LEFT" : "RIGHT"),
      offlineMessage: widget.offlineMessage,
      preChatForm: widget.preChatForm,
      allowedOrigins: input.allowedOrigins,
      identitySecret: input.rotateIdentitySecret ? newIdentitySecret() : undefined,
    },
    select,
  });
  return { ...toSettings(row), rotatedIdentitySecret: input.rotateIdentitySecret === true };
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

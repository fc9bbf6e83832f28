import { z } from "zod";
import type { Device } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import { blockStateOf, findOwnVisitor } from "../blocks/blocks.ts";
import type { Db } from "../db.ts";
import { deviceIdSchema, type DeviceId } from "../ids.ts";
import type { Presence } from "../presence/presence.ts";
import { parseUserAgent } from "./user-agent.ts";
import type { VisitorAttributes, VisitorProfile } from "./visitor-profile.ts";

export const getVisitorSchema = z.object({ deviceId: deviceIdSchema });

/** One of the agent's visitors as the visitor panel shows it. Someone else's visitor (or no one) is NOT_FOUND. */
export async function getVisitorProfile(db: Db, presence: Pick<Presence, "onlineAmong">, actor: Actor, deviceId: DeviceId): Promise<VisitorProfile> {
  const { agentId, device } = await findOwnVisitor(db, actor, deviceId);
  return profileFor(db, presence, agentId, device);
}

/** The profile of a visitor as each agent it talks to sees it (their block state differs): for `visitor:updated`. */
export async function profilesForItsAgents(db: Db, presence: Pick<Presence, "onlineAmong">, deviceId: DeviceId): Promise<{ agentDeviceId: DeviceId; visitor: VisitorProfile }[]> {
  const device = await db.device.findUniqueOrThrow({ where: { id: deviceId }, include: { visitorConversations: { select: { agent: { select: { id: true, agent: { select: { id: true } } } } } } } });
  const agents = device.visitorConversations.flatMap(({ agent }) => (agent.agent ? [{ agentId: agent.agent.id, agentDeviceId: agent.id }] : []));
  return Promise.all(agents.map(async ({ agentId, agentDeviceId }) => ({ agentDeviceId, visitor: await profileFor(db, presence, agentId, device) })));
}

async function profileFor(db: Db, presence: Pick<Presence, "onlineAmong">, agentId: string, device: Device): Promise<VisitorProfile> {
  const [blocked, online] = await Promise.all([blockStateOf(db, agentId, device), presence.onlineAmong([device.id])]);
  return {
    deviceId: device.id,
    displayName: device.name ?? device.email ?? device.label,
    label: device.label,
    name: device.name,
    email: device.email,
    userId: device.externalUserId,
    attributes: attributesOf(device.attributes),
    currentPage: device.currentPage,
    referrer: device.referrer,
    userAgent: device.userAgent,
    ...parseUserAgent(device.userAgent),
    timezone: device.timezone,
    locale: device.locale,
    ip: device.ip,
    firstSeenAt: device.createdAt.toISOString(),
    lastSeenAt: device.lastSeenAt.toISOString(),
    online: online.has(device.id),
    blocked,
  };
}

/** The stored JSON, keeping only the flat values the contract allows (the column is written only by updateVisitorProfile). */
export function attributesOf(json: unknown): VisitorAttributes {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  return Object.fromEntries(Object.entries(json).filter(([, value]) => typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))));
}

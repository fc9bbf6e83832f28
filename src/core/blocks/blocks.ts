import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { conversationIdOf, deviceIdSchema, type ConversationId, type DeviceId } from "../ids.ts";

/** How a visitor is blocked: by its device, by the IP address it was last seen from, or both. */
export const blockVisitorSchema = z.object({
  deviceId: deviceIdSchema,
  by: z.array(z.enum(["device", "ip"])).min(1, "say what to block: device, ip or both").max(2),
});
export type BlockVisitorInput = z.infer<typeof blockVisitorSchema>;
export const unblockVisitorSchema = z.object({ deviceId: deviceIdSchema });

export type IpBlock = { ip: string; deviceId: string | null; createdAt: string };

const BLOCKED_MESSAGE = "this chat is not available to you";
export const blockedError = () => new ChatError("BLOCKED", BLOCKED_MESSAGE);

/**
 * One spelling per address, so a block made from one form matches the other: an IPv4 client on a dual-stack
 * socket shows up as "::ffff:203.0.113.7", the same client on an IPv4 socket as "203.0.113.7".
 */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

const ipsOf = (ip: string | readonly (string | null | undefined)[] | undefined): string[] =>
  [...new Set((typeof ip === "string" ? [ip] : (ip ?? [])).filter((one): one is string => !!one).map(normalizeIp))];

/** Whether the agent (Agent.id) blocks this device or any of these addresses. */
export async function isBlocked(db: Db, { agentId, deviceId, ip }: { agentId: string; deviceId?: DeviceId; ip?: string | readonly (string | null | undefined)[] }): Promise<boolean> {
  const ips = ipsOf(ip);
  const or = [...(deviceId ? [{ kind: "DEVICE" as const, value: deviceId }] : []), ...(ips.length ? [{ kind: "IP" as const, value: { in: ips } }] : [])];
  if (!or.length) return false;
  return (await db.block.findFirst({ where: { agentId, OR: or }, select: { id: true } })) !== null;
}

/**
 * Whether the agent of a visitor's conversation blocks the visitor's device, the address the request comes
 * from, or the address its device was last seen from. Agents are never blocked. A conversation that is not
 * the visitor's answers false, and is left to the caller's NOT_FOUND.
 */
export async function isWriterBlocked(db: Db, conversationId: ConversationId, actor: Actor, requestIp?: string): Promise<boolean> {
  if (actor.kind !== "visitor" || !conversationId.startsWith(actor.deviceId)) return false;
  const agentDeviceId = conversationId.slice(actor.deviceId.length);
  const [agent, device] = await Promise.all([
    db.agent.findUnique({ where: { deviceId: agentDeviceId }, select: { id: true } }),
    db.device.findUnique({ where: { id: actor.deviceId }, select: { ip: true } }),
  ]);
  return agent !== null && (await isBlocked(db, { agentId: agent.id, deviceId: actor.deviceId, ip: [requestIp, device?.ip] }));
}

/** Refuses a blocked visitor's write (BLOCKED): see isWriterBlocked. */
export async function assertNotBlocked(db: Db, conversationId: ConversationId, actor: Actor, requestIp?: string): Promise<void> {
  if (await isWriterBlocked(db, conversationId, actor, requestIp)) throw blockedError();
}

/** A visitor of this agent: one who has a conversation with it. Anyone else is NOT_FOUND, like a missing device. */
export async function findOwnVisitor(db: Db, actor: Actor, deviceId: DeviceId) {
  if (actor.kind !== "agent") throw new ChatError("FORBIDDEN", "only agents may see and block visitors");
  const conversation = await db.conversation.findUnique({ where: { id: conversationIdOf(deviceId, actor.deviceId) }, include: { visitor: true } });
  if (!conversation || conversation.visitor.kind !== "VISITOR") throw new ChatError("NOT_FOUND", "visitor not found");
  return { agentId: actor.agentId, agentDeviceId: actor.deviceId, device: conversation.visitor };
}

/** This agent's block state on one visitor: its device, and the address it was last seen from. */
export async function blockStateOf(db: Db, agentId: string, visitor: { id: DeviceId; ip: string | null }): Promise<{ device: boolean; ip: boolean }> {
  const ip = visitor.ip ? normalizeIp(visitor.ip) : null;
  const rows = await db.block.findMany({ where: { agentId, OR: [{ kind: "DEVICE", value: visitor.id }, ...(ip ? [{ kind: "IP" as const, value: ip }] : [])] }, select: { kind: true } });
  return { device: rows.some((row) => row.kind === "DEVICE"), ip: rows.some((row) => row.kind === "IP") };
}

/** Blocks one of the agent's visitors. Blocking what is already blocked changes nothing. */
export async function blockVisitor(db: Db, actor: Actor, { deviceId, by }: BlockVisitorInput): Promise<void> {
  const { agentId, device } = await findOwnVisitor(db, actor, deviceId);
  const data: { agentId: string; kind: "DEVICE" | "IP"; value: string; deviceId: string }[] = [];
  if (by.includes("device")) data.push({ agentId, kind: "DEVICE", value: device.id, deviceId: device.id });
  if (by.includes("ip")) {
    if (!device.ip) throw new ChatError("BAD_INPUT", "no IP address is known for this visitor; block the device instead");
    data.push({ agentId, kind: "IP", value: normalizeIp(device.ip), deviceId: device.id });
  }
  await db.block.createMany({ data, skipDuplicates: true });
}

/**
 * Lifts this agent's blocks on one visitor: the block on its device, the block on the address it was last
 * seen from, and any IP block made from this visitor (its address may have changed since).
 */
export async function unblockVisitor(db: Db, actor: Actor, { deviceId }: { deviceId: DeviceId }): Promise<void> {
  const { agentId, device } = await findOwnVisitor(db, actor, deviceId);
  await db.block.deleteMany({
    where: {
      agentId,
      OR: [{ kind: "DEVICE", value: device.id }, { kind: "IP", deviceId: device.id }, ...(device.ip ? [{ kind: "IP" as const, value: normalizeIp(device.ip) }] : [])],
    },
  });
}

/** The agent's IP blacklist (golang-im's), newest first. */
export async function listIpBlocks(db: Db, agentId: string): Promise<IpBlock[]> {
  const rows = await db.block.findMany({ where: { agentId, kind: "IP" }, orderBy: { createdAt: "desc" } });
  return rows.map((row) => ({ ip: row.value, deviceId: row.deviceId, createdAt: row.createdAt.toISOString() }));
}

const ipSchema = z.union([z.ipv4(), z.ipv6()]);

/** Adds an address to the agent's blacklist; adding one already there changes nothing. */
export async function addIpBlock(db: Db, agentId: string, ip: string, deviceId?: DeviceId): Promise<void> {
  const value = normalizeIp(ip);
  if (!ipSchema.safeParse(value).success) throw new ChatError("BAD_INPUT", "must be an IPv4 or IPv6 address");
  await db.block.createMany({ data: [{ agentId, kind: "IP", value, deviceId: deviceId ?? null }], skipDuplicates: true });
}

/** Removes an address from the agent's blacklist; removing one that is not there changes nothing. */
export async function removeIpBlock(db: Db, agentId: string, ip: string): Promise<void> {
  await db.block.deleteMany({ where: { agentId, kind: "IP", value: normalizeIp(ip) } });
}

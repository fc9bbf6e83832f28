import type { Device } from "../../generated/prisma/client.ts";
import type { Db } from "../db.ts";
import { newDeviceId } from "../ids.ts";
import { newVisitorLabel } from "./visitor-label.ts";

/** What is recorded about a visitor when its device is created (and never updated from the client later). */
export type NewVisitorMeta = { userAgent?: string; ip?: string; referrer?: string };

export function anonymousVisitor(db: Db, meta: NewVisitorMeta): Promise<Device> {
  return db.device.create({ data: { id: newDeviceId(), kind: "VISITOR", label: newVisitorLabel(), ...meta } });
}

/**
 * The one device of a verified user on an agent's site, created on first use: every browser the user
 * signs in with is this device, so the history follows the user. The caller has checked the user's hash.
 */
export async function verifiedVisitor(db: Db, identityAgentId: string, externalUserId: string, meta: NewVisitorMeta): Promise<Device> {
  const where = { identityAgentId_externalUserId: { identityAgentId, externalUserId } };
  const known = await db.device.findUnique({ where });
  if (known) return known;
  try {
    return await db.device.create({ data: { id: newDeviceId(), kind: "VISITOR", label: newVisitorLabel(), identityAgentId, externalUserId, ...meta } });
  } catch (err) {
    // The user's first visit in two browsers at once: the unique index lets one device in, and both get it.
    if ((err as { code?: string }).code === "P2002") return db.device.findUniqueOrThrow({ where });
    throw err;
  }
}

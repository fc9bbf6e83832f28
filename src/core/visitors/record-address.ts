import type { Db } from "../db.ts";
import type { DeviceId } from "../ids.ts";

/**
 * Keeps a visitor's IP address the one it was last seen from (each socket connection), so the panel shows it
 * and a block "by IP" takes the address the visitor uses now. Written only when it changed.
 */
export async function recordVisitorAddress(db: Db, deviceId: DeviceId, ip: string | undefined): Promise<void> {
  if (!ip) return;
  await db.device.updateMany({ where: { id: deviceId, kind: "VISITOR", OR: [{ ip: null }, { ip: { not: ip } }] }, data: { ip } });
}

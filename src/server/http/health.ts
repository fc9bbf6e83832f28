import type { ServerResponse } from "node:http";
import type { Db } from "../../core/db.ts";
import { sendJson } from "./respond.ts";

/** GET /api/health: 200 when the database answers, 503 otherwise (for load balancers and Docker). */
export async function health(res: ServerResponse, db: Db, isShuttingDown: boolean): Promise<void> {
  const database = await db.$queryRaw`SELECT 1`.then(() => "up" as const, () => "down" as const);
  const status = database === "up" && !isShuttingDown ? "ok" : "unavailable";
  sendJson(res, status === "ok" ? 200 : 503, { status, database, shuttingDown: isShuttingDown });
}

import type { ServerResponse } from "node:http";
import type { Db } from "../../core/db.ts";
import { ChatError } from "../../core/errors.ts";
import { publicWidgetConfig } from "../../core/identity/public-widget-config.ts";
import { deviceIdSchema } from "../../core/ids.ts";
import type { Presence } from "../../core/presence/presence.ts";
import type { Logger } from "../log.ts";
import type { AckResult } from "../reply.ts";
import type { PublicWidgetConfig } from "../socket/contract.ts";
import { sendError } from "./respond.ts";

type Deps = { db: Db; presence: Presence; log: Logger };

// Short: a colour changed in Settings shows on the sites within half a minute, and "online" is roughly current,
// while a busy site's page views still cost us one request per visitor per half minute at most.
const MAX_AGE_SECONDS = 30;

/**
 * GET /api/widget/:agentId: the public face of an agent's widget, read by the loader on every host page
 * before anyone chats. Readable from any origin (it holds nothing private, and takes no credentials).
 */
export async function widgetConfig(res: ServerResponse, agentId: string, { db, presence, log }: Deps): Promise<void> {
  res.setHeader("access-control-allow-origin", "*");
  try {
    const id = deviceIdSchema.safeParse(agentId);
    if (!id.success) throw new ChatError("BAD_INPUT", "the agent ID must be 32 lowercase hex digits: check the data-agent attribute of the widget snippet");
    const data = await publicWidgetConfig(db, presence, id.data);
    res.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": `public, max-age=${MAX_AGE_SECONDS}`,
      "x-content-type-options": "nosniff",
    });
    res.end(JSON.stringify({ ok: true, data } satisfies AckResult<PublicWidgetConfig>));
  } catch (err) {
    sendError(res, log, err);
  }
}

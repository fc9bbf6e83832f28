import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../../core/db.ts";
import { allowedOriginsOf } from "../../core/identity/agent-settings.ts";
import { frameAncestorsPolicy } from "../../core/identity/allowed-origins.ts";
import { deviceIdSchema } from "../../core/ids.ts";

const CSP = "content-security-policy";

/**
 * The visitor window (/im?agent=…) may be framed only by the agent's allowed origins (any site when the
 * list is empty): browsers enforce CSP frame-ancestors, so another site cannot show this agent's chat
 * even with a page URL of its choosing. The policy is added as its own header when the response is
 * written, so whatever CSP another layer (Next.js) sets, this restriction still holds: browsers enforce
 * every policy they receive.
 */
export async function restrictFraming(req: IncomingMessage, res: ServerResponse, db: Db): Promise<void> {
  const agentId = deviceIdSchema.safeParse(new URL(req.url ?? "/", "http://localhost").searchParams.get("agent"));
  const policy = frameAncestorsPolicy(agentId.success ? await allowedOriginsOf(db, agentId.data) : []);
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const existing = res.getHeader(CSP);
    const policies = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    if (!policies.includes(policy)) res.setHeader(CSP, [...policies, policy]);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}

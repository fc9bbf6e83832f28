import { readRenewableVisitorToken } from "../../core/tokens/visitor-token.ts";
import type { Limits } from "./limits.ts";

type Claim = { token?: string; userId?: string };
type TokenOptions = { secret: string; renewSeconds: number };

/**
 * POST /api/visitors: a request that will make a new anonymous visitor (a device row and a conversation)
 * counts against its address. Returning visitors cost nothing and are never refused: a token that
 * identifyVisitor would renew (even expired, within the renewal window), or a verified user, whose hash
 * only the site can make and whose device is made once. Only this server can make a token, so a flood
 * cannot pass itself off as returning. Mirrors identifyVisitor's choice of device; keep the two in step.
 */
export async function limitNewVisitors(limits: Limits, ip: string | undefined, { token, userId }: Claim, tokens: TokenOptions): Promise<void> {
  if (!ip || userId !== undefined) return;
  const claims = token === undefined ? undefined : await readRenewableVisitorToken(token, tokens).catch(() => undefined);
  const isReturning = claims !== undefined && claims.userId === undefined; // a verified user's token on an anonymous page makes a new visitor
  if (!isReturning) await limits.enforce("visitors", ip);
}

import { blockedError, isBlocked } from "../../core/blocks/blocks.ts";
import type { Db } from "../../core/db.ts";
import { ChatError } from "../../core/errors.ts";
import { deviceIdSchema } from "../../core/ids.ts";
import { identifyVisitor, identifyVisitorSchema, type VisitorSession } from "../../core/visitors/identify-visitor.ts";
import { rooms } from "../socket/rooms.ts";
import type { GoimDeps } from "./types.ts";

export type Shop = { id: string; deviceId: string; name: string; avatarKey: string | null };
const shopSelect = { id: true, deviceId: true, name: true, avatarKey: true } as const;

/** A shop_id is the agent's username (golang-im's nickname) or, as Parley answers it, the agent's device id. */
export async function findShop(db: Db, shopId: string): Promise<Shop> {
  const where = deviceIdSchema.safeParse(shopId).success ? { deviceId: shopId } : { username: shopId };
  const shop = await db.agent.findUnique({ where, select: shopSelect });
  if (!shop) throw new ChatError("NOT_FOUND", "no such shop_id");
  return shop;
}

const isWebUrl = (value: string | undefined) => !!value && identifyVisitorSchema.shape.page.safeParse(value).success;

/**
 * A new visitor of the shop and its conversation (golang-im's /open/adduser), with a visitor token: counted
 * against the per-address limit on new visitors, refused from a blacklisted address, and held to the agent's
 * allowed origins through `referer` exactly as the widget is.
 */
export async function newGoimVisitor(
  { db, io, config, limits }: Pick<GoimDeps, "db" | "io" | "config" | "limits">,
  shopId: string,
  { ip, userAgent, referer }: { ip?: string; userAgent?: string; referer?: string },
): Promise<{ shop: Shop; session: VisitorSession }> {
  const shop = await findShop(db, shopId);
  if (ip && (await isBlocked(db, { agentId: shop.id, ip }))) throw blockedError();
  const page = isWebUrl(referer) ? referer : undefined;
  const tokens = { secret: config.AUTH_SECRET, ttlSeconds: config.VISITOR_TOKEN_TTL_SECONDS, renewSeconds: config.VISITOR_TOKEN_RENEW_SECONDS };
  const beforeNewVisitor = async () => (ip ? limits.enforce("visitors", ip) : undefined);
  const session = await identifyVisitor(db, { agentId: shop.deviceId, page, referrer: page }, { userAgent, ip }, tokens, { beforeNewVisitor });
  // The agent's open tabs (on any node) join the new room, so the visitor's first message reaches them live.
  io.in(rooms.device(shop.deviceId)).socketsJoin(rooms.conversation(session.conversationId));
  return { shop, session };
}

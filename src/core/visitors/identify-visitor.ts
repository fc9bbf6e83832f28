import { z } from "zod";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { conversationIdOf, deviceIdSchema, type ConversationId } from "../ids.ts";
import { avatarUrlOf, widgetSettingsOf, type WidgetSettings } from "../identity/agent-settings.ts";
import { isOriginAllowed, originOf } from "../identity/allowed-origins.ts";
import { identityKeyOf, isValidUserHash } from "../identity/identity-hash.ts";
import { readRenewableVisitorToken, signVisitorToken, type TokenOptions } from "../tokens/visitor-token.ts";
import { anonymousVisitor, verifiedVisitor, type NewVisitorMeta } from "./visitor-device.ts";

const emptyIsNone = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
// The URL parser tolerates a raw NUL, but PostgreSQL text cannot hold one: refused as bad input, not failed as INTERNAL.
// What the browser says about itself, canonicalised; anything a browser's Intl would not accept is bad input.
const timeZone = z.string().max(64).transform((zone, ctx) => {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    ctx.addIssue({ code: "custom", message: "must be an IANA time zone name, like Europe/Paris" });
    return z.NEVER;
  }
});
const locale = z.string().max(35).transform((tag, ctx) => {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical) return canonical;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: "must be a BCP 47 language tag, like zh-CN" });
  return z.NEVER;
});
const webUrl = z.union([z.literal("").transform(() => undefined), z.url({ protocol: /^https?$/ }).max(2048).refine((url) => !url.includes("\0"), "must not contain NUL (U+0000)")]).optional();

export const identifyVisitorSchema = z
  .object({
    agentId: deviceIdSchema, // the agent's device ID, from the snippet's data-agent attribute
    token: z.string().max(2048).optional(),
    // The host page the widget sits on and where its visitor came from: web addresses only, since agents
    // see them (a javascript: URL must never get that far). Empty means "none", as document.referrer says it.
    page: webUrl,
    referrer: webUrl,
    // Identity verification: the site's own user ID, and HMAC-SHA256(identity secret, userId) in hex.
    userId: emptyIsNone(z.string().max(256)),
    userHash: emptyIsNone(z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex digits: HMAC-SHA256(identity secret, userId)")),
    // The browser's time zone and language, so the console can show the visitor's local time and language.
    timezone: emptyIsNone(timeZone),
    locale: emptyIsNone(locale),
  })
  .refine((input) => input.userHash === undefined || input.userId !== undefined, { message: "userHash without userId", path: ["userId"] });
export type IdentifyVisitorInput = z.infer<typeof identifyVisitorSchema>;
export type RequestMeta = { userAgent?: string; ip?: string };
export type VisitorTokenOptions = TokenOptions & { renewSeconds: number };

export type VisitorSession = {
  /** `name` and `email`: what the visitor (or the site's JavaScript API) gave, so the window knows whether to ask. */
  visitor: { deviceId: string; label: string; userId: string | null; name: string | null; email: string | null };
  agent: { deviceId: string; name: string; avatarUrl: string | null };
  widget: WidgetSettings;
  conversationId: ConversationId;
  token: string;
  isNewConversation: boolean;
  /** The visitor's page, time zone or language differ from what was stored: its agents' panels are out of date. */
  isProfileChanged: boolean;
};

/**
 * Who this browser is, for one agent's widget: the verified user's device, the device its token proves,
 * or a new one. Also makes sure the conversation row exists, so both sides can sync it; inboxes list
 * only conversations with a message, so a visitor who never writes leaves no ghost behind.
 */
export async function identifyVisitor(
  db: Db,
  input: IdentifyVisitorInput,
  meta: RequestMeta,
  tokens: VisitorTokenOptions,
  // Runs just before a new anonymous visitor is made, and only then (the edge's per-address limit):
  // returning visitors and verified users never reach it, whatever their token looks like.
  { beforeNewVisitor = async () => undefined }: { beforeNewVisitor?: () => Promise<void> } = {},
): Promise<VisitorSession> {
  const agent = await db.agent.findUnique({
    where: { deviceId: input.agentId },
    select: { id: true, deviceId: true, name: true, allowedOrigins: true, identitySecret: true, avatarKey: true, widgetColor: true, widgetGreeting: true, widgetPosition: true, offlineMessage: true, preChatForm: true },
  });
  if (!agent) throw new ChatError("NOT_FOUND", "no such agent: check the data-agent attribute of the widget snippet");
  const origin = originOf(input.page);
  if (!isOriginAllowed(agent.allowedOrigins, origin)) {
    throw new ChatError("FORBIDDEN", origin ? `this chat may not be embedded on ${origin}: the agent's allowed origins do not include it` : "this chat runs only on the agent's allowed sites, and no page URL was given");
  }

  const newVisitor: NewVisitorMeta = { userAgent: meta.userAgent?.slice(0, 512), ip: meta.ip, referrer: input.referrer ?? input.page };
  const newAnonymousVisitor = async () => {
    await beforeNewVisitor();
    return anonymousVisitor(db, newVisitor);
  };
  const known =
    input.userId !== undefined
      ? await verifiedVisitor(db, agent.id, provenUserId(agent.identitySecret, input.userId, input.userHash), newVisitor)
      : ((await renewableVisitor(db, input.token, tokens)) ?? (await newAnonymousVisitor()));
  // Every load of the widget says where the visitor is now; what the browser did not say is kept as it was.
  const visitor = await db.device.update({
    where: { id: known.id },
    data: { currentPage: input.page, timezone: input.timezone, locale: input.locale, lastSeenAt: new Date() },
  });

  const conversationId = conversationIdOf(visitor.id, agent.deviceId);
  const { count } = await db.conversation.createMany({
    data: [{ id: conversationId, visitorDeviceId: visitor.id, agentDeviceId: agent.deviceId }],
    skipDuplicates: true, // two tabs opening at once both land here
  });
  const verified = visitor.externalUserId !== null ? { userId: visitor.externalUserId, identityKey: identityKeyOf(agent.identitySecret) } : {};
  return {
    visitor: { deviceId: visitor.id, label: visitor.label, userId: visitor.externalUserId, name: visitor.name, email: visitor.email },
    agent: { deviceId: agent.deviceId, name: agent.name, avatarUrl: avatarUrlOf(agent) },
    widget: widgetSettingsOf(agent),
    conversationId,
    token: await signVisitorToken(visitor.id, tokens, { agentDeviceId: agent.deviceId, origin, ...verified }),
    isNewConversation: count === 1,
    isProfileChanged: (["currentPage", "timezone", "locale"] as const).some((field) => known[field] !== visitor[field]),
  };
}

/** The hash is the only proof of a user ID: without it, or with a wrong one, nobody becomes that user. */
function provenUserId(identitySecret: string, userId: string, userHash: string | undefined): string {
  if (!userHash || !isValidUserHash(identitySecret, userId, userHash)) {
    throw new ChatError("FORBIDDEN", "identity verification failed: userHash must be HMAC-SHA256(the agent's identity secret, userId) in hex");
  }
  return userId;
}

/**
 * The anonymous device a stored token proves, even one that expired within the renewal window: that is
 * how an expired token is renewed silently, with the visitor's history. Anything else is no device at all,
 * and the browser becomes a new visitor: a forged or tampered token, one expired too long ago, and a
 * verified user's token (a page without the user's ID and hash, say after the user signed out of the
 * site, must not see that user's conversations).
 */
async function renewableVisitor(db: Db, token: string | undefined, tokens: VisitorTokenOptions) {
  if (!token) return null;
  const claims = await readRenewableVisitorToken(token, tokens).catch(() => undefined);
  if (!claims || claims.userId !== undefined) return null;
  const known = await db.device.findUnique({ where: { id: claims.deviceId } });
  return known?.kind === "VISITOR" && known.externalUserId === null ? known : null;
}

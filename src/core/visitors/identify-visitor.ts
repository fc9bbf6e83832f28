import { z } from "zod";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { conversationIdOf, deviceIdSchema, newDeviceId, type ConversationId } from "../ids.ts";
import { signVisitorToken, verifyVisitorToken, type TokenOptions } from "../tokens/visitor-token.ts";
import { newVisitorLabel } from "./visitor-label.ts";

const webUrl = z.union([z.literal("").transform(() => undefined), z.url({ protocol: /^https?$/ }).max(2048)]).optional();

export const identifyVisitorSchema = z.object({
  agentId: deviceIdSchema, // the agent's device ID, from the snippet's data-agent attribute
  token: z.string().max(2048).optional(),
  // The host page the widget sits on and where its visitor came from: web addresses only, since agents
  // see them (a javascript: URL must never get that far). Empty means "none", as document.referrer says it.
  page: webUrl,
  referrer: webUrl,
});
export type IdentifyVisitorInput = z.infer<typeof identifyVisitorSchema>;
export type RequestMeta = { userAgent?: string; ip?: string };

export type VisitorSession = {
  visitor: { deviceId: string; label: string };
  agent: { deviceId: string; name: string };
  conversationId: ConversationId;
  token: string;
  isNewConversation: boolean;
};

/**
 * Who this browser is, for one agent's widget: the device its token proves, or a new one. Also makes
 * sure the conversation row exists, so both sides can sync it; inboxes list only conversations with a
 * message, so a visitor who never writes leaves no ghost behind.
 */
export async function identifyVisitor(db: Db, input: IdentifyVisitorInput, meta: RequestMeta, tokens: TokenOptions): Promise<VisitorSession> {
  const agent = await db.agent.findUnique({ where: { deviceId: input.agentId }, select: { deviceId: true, name: true } });
  if (!agent) throw new ChatError("NOT_FOUND", "no such agent: check the data-agent attribute of the widget snippet");

  // An invalid or expired token is not an error here: the browser simply becomes a new visitor.
  const provenId = input.token ? await verifyVisitorToken(input.token, tokens).catch(() => undefined) : undefined;
  const known = provenId ? await db.device.findUnique({ where: { id: provenId } }) : null;
  const visitor =
    known?.kind === "VISITOR"
      ? known
      : await db.device.create({
          data: { id: newDeviceId(), kind: "VISITOR", label: newVisitorLabel(), userAgent: meta.userAgent?.slice(0, 512), ip: meta.ip, referrer: input.referrer ?? input.page },
        });

  const conversationId = conversationIdOf(visitor.id, agent.deviceId);
  const { count } = await db.conversation.createMany({
    data: [{ id: conversationId, visitorDeviceId: visitor.id, agentDeviceId: agent.deviceId }],
    skipDuplicates: true, // two tabs opening at once both land here
  });
  return {
    visitor: { deviceId: visitor.id, label: visitor.label },
    agent,
    conversationId,
    token: await signVisitorToken(visitor.id, tokens),
    isNewConversation: count === 1,
  };
}

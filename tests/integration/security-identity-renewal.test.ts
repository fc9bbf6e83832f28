import { describe, expect, it } from "vitest";
import { readVisitorToken, signVisitorToken } from "../../src/core/tokens/visitor-token.ts";
import type { AckResult } from "../../src/server/socket/contract.ts";
import type { VisitorSession } from "../../src/core/visitors/identify-visitor.ts";
import { connectAgent, connectError, connectVisitor, openConversation, postJson, send, unwrap, useServer, waitFor } from "./support.ts";
import { syncAll } from "./security-identity-support.ts";

const { server, track } = useServer();
const HOUR = 3600;
const DAY = 24 * HOUR;

type Reply = Omit<VisitorSession, "isNewConversation">;
async function identify(body: Record<string, unknown>): Promise<Reply> {
  const reply = (await (await postJson(server.url, "/api/visitors", body)).json()) as AckResult<Reply>;
  return unwrap(reply);
}

/** The token a browser would hold after `age` seconds away: issued by this server for this widget, now expired. */
const expiredToken = (deviceId: string, agentDeviceId: string, ageSeconds: number) =>
  signVisitorToken(deviceId, { secret: server.config.AUTH_SECRET, ttlSeconds: server.config.VISITOR_TOKEN_TTL_SECONDS, now: new Date(Date.now() - ageSeconds * 1000) }, { agentDeviceId });

describe("visitor token lifetime", () => {
  it("is one day by default, with renewal for 180 days after expiry", async () => {
    expect(server.config.VISITOR_TOKEN_TTL_SECONDS).toBe(DAY);
    expect(server.config.VISITOR_TOKEN_RENEW_SECONDS).toBe(180 * DAY);
    const { visitor, agent } = await openConversation(server);
    const claims = await readVisitorToken(visitor.token, { secret: server.config.AUTH_SECRET });
    expect(claims).toEqual({ deviceId: visitor.visitor.deviceId, agentDeviceId: agent.deviceId });
  });
});

describe("POST /api/visitors with an expired token", () => {
  it("renews a genuine token that expired within the window: same device, same conversation, a fresh token", async () => {
    const { visitor, agent } = await openConversation(server);
    const stale = await expiredToken(visitor.visitor.deviceId, agent.deviceId, 90 * DAY);
    const renewed = await identify({ agentId: agent.deviceId, token: stale });
    expect(renewed.visitor).toEqual(visitor.visitor);
    expect(renewed.conversationId).toBe(visitor.conversationId);
    const claims = await readVisitorToken(renewed.token, { secret: server.config.AUTH_SECRET }); // valid now
    expect(claims.deviceId).toBe(visitor.visitor.deviceId);
  });

  it("makes a new visitor of a token that expired longer ago than the window", async () => {
    const { visitor, agent } = await openConversation(server);
    const ancient = await expiredToken(visitor.visitor.deviceId, agent.deviceId, 182 * DAY);
    const renewed = await identify({ agentId: agent.deviceId, token: ancient });
    expect(renewed.visitor.deviceId).not.toBe(visitor.visitor.deviceId);
  });

  it("makes a new visitor of a recently expired token signed with another secret", async () => {
    const { visitor, agent } = await openConversation(server);
    const forged = await signVisitorToken(visitor.visitor.deviceId, { secret: "someone-elses-secret-of-32-characters!!", ttlSeconds: HOUR, now: new Date(Date.now() - 2 * HOUR * 1000) });
    expect((await identify({ agentId: agent.deviceId, token: forged })).visitor.deviceId).not.toBe(visitor.visitor.deviceId);
  });

  it("makes a new visitor of a tampered token that names another visitor's device", async () => {
    const { visitor, agent } = await openConversation(server);
    const mine = await identify({ agentId: agent.deviceId });
    const [header, payload, signature] = (await expiredToken(mine.visitor.deviceId, agent.deviceId, HOUR)).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, sub: visitor.visitor.deviceId })).toString("base64url"), signature].join(".");
    const renewed = await identify({ agentId: agent.deviceId, token: tampered });
    expect([visitor.visitor.deviceId, mine.visitor.deviceId]).not.toContain(renewed.visitor.deviceId);
  });
});

describe("a socket whose token expired", () => {
  it("is refused, renews through POST /api/visitors with the stored token and comes back as the same visitor with its history", async () => {
    const { visitor, agent, conversationId } = await openConversation(server);
    const agentTab = await connectAgent(server.url, agent.cookie);
    track(agentTab);
    // Yesterday's chat, on a token that has since expired.
    const yesterday = await connectVisitor(server.url, visitor.token);
    track(yesterday);
    unwrap(await send(yesterday, conversationId, "Where is my order?"));
    unwrap(await send(agentTab, conversationId, "It ships tomorrow."));
    yesterday.close();
    const stored = await expiredToken(visitor.visitor.deviceId, agent.deviceId, 2 * DAY);

    // What the visitor window does: the handshake refuses the token, so it renews and reconnects.
    const refused = await connectError(server.url, { auth: { token: stored } });
    expect(refused.data).toEqual({ code: "UNAUTHENTICATED", message: "visitor token is invalid or expired" });
    const renewed = await identify({ agentId: agent.deviceId, token: stored });
    expect(renewed.visitor.deviceId).toBe(visitor.visitor.deviceId);
    expect(renewed.conversationId).toBe(conversationId);
    const today = await connectVisitor(server.url, renewed.token);
    track(today);

    const history = unwrap(await syncAll(today, conversationId));
    expect(history.messages.map((message) => message.body)).toEqual(["Where is my order?", "It ships tomorrow."]);
    const [heard, ack] = await Promise.all([waitFor(agentTab, "message:sent"), send(today, conversationId, "Thanks!")]);
    expect(unwrap(ack).message).toMatchObject({ seq: 3, senderDeviceId: visitor.visitor.deviceId });
    expect(heard).toEqual(unwrap(ack).message);
  });
});

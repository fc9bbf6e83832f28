import { createHmac, randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { identityKeyOf } from "../../src/core/identity/identity-hash.ts";
import { markRead } from "../../src/core/read-state/mark-read.ts";
import { sendMessage } from "../../src/core/messages/send-message.ts";
import { signVisitorToken } from "../../src/core/tokens/visitor-token.ts";
import type { VisitorSession } from "../../src/core/visitors/identify-visitor.ts";
import type { AckResult } from "../../src/server/socket/contract.ts";
import { connectAgent, connectError, connectVisitor, postJson, seedAgent, send, unwrap, useServer, waitFor, type SeededAgent, type TestSocket } from "./support.ts";
import { syncAll, getSettings, updateSettings } from "./security-identity-support.ts";

const { server, track } = useServer();
type Reply = Omit<VisitorSession, "isNewConversation">;

let agent: SeededAgent;
let console_: TestSocket;
let identitySecret: string;
beforeEach(async () => {
  agent = await seedAgent(server.db);
  console_ = await connectAgent(server.url, agent.cookie);
  track(console_);
  identitySecret = unwrap(await getSettings(console_)).settings.identitySecret;
});

/** What the site owner's server does for each signed-in user (docs/protocol.md, "Identity verification"). */
const userHash = (userId: string, secret = identitySecret) => createHmac("sha256", secret).update(userId).digest("hex");
const identify = (body: Record<string, unknown>) => postJson(server.url, "/api/visitors", { agentId: agent.deviceId, ...body });
async function identifyOk(body: Record<string, unknown>): Promise<Reply> {
  return unwrap((await (await identify(body)).json()) as AckResult<Reply>);
}
async function refusal(body: Record<string, unknown>) {
  const response = await identify(body);
  return { status: response.status, ...((await response.json()) as { error: { code: string; message: string } }).error };
}
const sign = (deviceId: string, claims: Parameters<typeof signVisitorToken>[2]) => signVisitorToken(deviceId, { secret: server.config.AUTH_SECRET, ttlSeconds: 3600 }, claims);

describe("agent:get-settings", () => {
  it("shows each agent its own identity secret, 64 hex digits", async () => {
    const other = await seedAgent(server.db);
    const otherConsole = await connectAgent(server.url, other.cookie);
    track(otherConsole);
    const theirs = unwrap(await getSettings(otherConsole)).settings;
    expect(identitySecret).toMatch(/^[0-9a-f]{64}$/);
    expect(theirs.identitySecret).toMatch(/^[0-9a-f]{64}$/);
    expect(theirs.identitySecret).not.toBe(identitySecret);
    expect(theirs.allowedOrigins).toEqual([]);
  });
});

describe("a verified visitor", () => {
  it("is the same visitor on every browser: same device, same conversation, same history", async () => {
    const laptop = await identifyOk({ userId: "user-42", userHash: userHash("user-42") });
    expect(laptop.visitor.userId).toBe("user-42");
    const laptopTab = await connectVisitor(server.url, laptop.token);
    track(laptopTab);
    unwrap(await send(laptopTab, laptop.conversationId, "Sent from my laptop"));

    const phone = await identifyOk({ userId: "user-42", userHash: userHash("user-42").toUpperCase() }); // a new browser: no token
    expect(phone.visitor).toEqual(laptop.visitor);
    expect(phone.conversationId).toBe(laptop.conversationId);
    const phoneTab = await connectVisitor(server.url, phone.token);
    track(phoneTab);
    const history = unwrap(await syncAll(phoneTab, phone.conversationId));
    expect(history.messages.map((message) => message.body)).toEqual(["Sent from my laptop"]);
  });

  it("gets one device even when two browsers arrive at once for the first time", async () => {
    const both = await Promise.all([1, 2, 3].map(() => identifyOk({ userId: "first-visit", userHash: userHash("first-visit") })));
    expect(new Set(both.map((reply) => reply.visitor.deviceId)).size).toBe(1);
  });

  it("is a different visitor for each site (agent): one user ID, separate identities", async () => {
    const other = await seedAgent(server.db);
    const otherSecret = (await server.db.agent.findUniqueOrThrow({ where: { id: other.id } })).identitySecret;
    const here = await identifyOk({ userId: "user-7", userHash: userHash("user-7") });
    const there = unwrap((await (await postJson(server.url, "/api/visitors", { agentId: other.deviceId, userId: "user-7", userHash: userHash("user-7", otherSecret) })).json()) as AckResult<Reply>);
    expect(there.visitor.deviceId).not.toBe(here.visitor.deviceId);
  });
});

describe("claiming a user ID without the right hash", () => {
  it("answers 403 FORBIDDEN for a wrong hash, a missing hash, or a hash made with another site's secret", async () => {
    await identifyOk({ userId: "victim", userHash: userHash("victim") }); // the real user exists already
    for (const body of [
      { userId: "victim", userHash: userHash("attacker") },
      { userId: "victim" },
      { userId: "victim", userHash: userHash("victim", "0".repeat(64)) },
      { userId: "victim ", userHash: userHash("victim") },
    ]) {
      expect(await refusal(body)).toMatchObject({ status: 403, code: "FORBIDDEN", message: expect.stringContaining("identity verification failed") });
    }
  });

  it("answers 400 BAD_INPUT for a hash without a user ID, or a hash that is not 64 hex digits", async () => {
    expect(await refusal({ userHash: userHash("victim") })).toMatchObject({ status: 400, code: "BAD_INPUT" });
    expect(await refusal({ userId: "victim", userHash: "zz" })).toMatchObject({ status: 400, code: "BAD_INPUT" });
  });

  it("cannot turn an anonymous visitor's token into the verified user's device", async () => {
    const victim = await identifyOk({ userId: "victim", userHash: userHash("victim") });
    const stranger = await identifyOk({});
    expect(await refusal({ token: stranger.token, userId: "victim" })).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(await refusal({ token: stranger.token, userId: "victim", userHash: userHash("stranger") })).toMatchObject({ status: 403, code: "FORBIDDEN" });
    // Its own token keeps it the anonymous visitor it was.
    expect((await identifyOk({ token: stranger.token })).visitor.deviceId).toBe(stranger.visitor.deviceId);
    expect(stranger.visitor.deviceId).not.toBe(victim.visitor.deviceId);
  });

  it("does not let a verified user's token open their chats without their ID and hash (the site's next, signed-out visitor)", async () => {
    const user = await identifyOk({ userId: "signed-out", userHash: userHash("signed-out") });
    const next = await identifyOk({ token: user.token });
    expect(next.visitor.deviceId).not.toBe(user.visitor.deviceId);
    expect(next.visitor.userId).toBeNull();
  });
});

describe("the handshake of a verified visitor", () => {
  it("refuses a token for the verified device that lacks the user ID, or carries another", async () => {
    const user = await identifyOk({ userId: "user-9", userHash: userHash("user-9") });
    const identityKey = identityKeyOf(identitySecret);
    for (const claims of [{ agentDeviceId: agent.deviceId }, { agentDeviceId: agent.deviceId, userId: "user-10", identityKey }, { agentDeviceId: agent.deviceId, userId: "user-9" }]) {
      const err = await connectError(server.url, { auth: { token: await sign(user.visitor.deviceId, claims) } });
      expect(err.data?.code).toBe("UNAUTHENTICATED");
    }
  });

  it("refuses a token that claims a user ID for an anonymous device", async () => {
    const stranger = await identifyOk({});
    const token = await sign(stranger.visitor.deviceId, { agentDeviceId: agent.deviceId, userId: "victim", identityKey: identityKeyOf(identitySecret) });
    expect((await connectError(server.url, { auth: { token } })).data?.code).toBe("UNAUTHENTICATED");
  });
});

describe("every read and write of a visitor", () => {
  it("is refused (FORBIDDEN) when the actor's verified identity does not match its device, whatever the handshake let through", async () => {
    const user = await identifyOk({ userId: "user-11", userHash: userHash("user-11") });
    const stranger = await identifyOk({});
    const input = { conversationId: user.conversationId, clientMsgId: randomUUID(), body: "hi" };
    const unverified = { kind: "visitor" as const, deviceId: user.visitor.deviceId };
    const wrongUser = { ...unverified, verified: { userId: "user-12", agentDeviceId: agent.deviceId } };
    const claimsStrangersDevice = { kind: "visitor" as const, deviceId: stranger.visitor.deviceId, verified: { userId: "user-11", agentDeviceId: agent.deviceId } };
    for (const actor of [unverified, wrongUser]) {
      await expect(sendMessage(server.db, input, actor)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(markRead(server.db, { conversationId: user.conversationId, seq: 0 }, actor)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(sendMessage(server.db, { ...input, conversationId: stranger.conversationId }, claimsStrangersDevice)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await server.db.message.count({ where: { conversationId: { in: [user.conversationId, stranger.conversationId] } } })).toBe(0);
    // The matching identity writes.
    const verified = { ...unverified, verified: { userId: "user-11", agentDeviceId: agent.deviceId } };
    expect((await sendMessage(server.db, input, verified)).message.seq).toBe(1);
  });
});

describe("rotating the identity secret", () => {
  it("disconnects the verified visitors, refuses their tokens and old hashes, and lets the new hash back in to the same history", async () => {
    const user = await identifyOk({ userId: "user-13", userHash: userHash("user-13") });
    const anonymous = await identifyOk({});
    const [userTab, anonymousTab] = await Promise.all([connectVisitor(server.url, user.token), connectVisitor(server.url, anonymous.token)]);
    track(userTab, anonymousTab);
    unwrap(await send(userTab, user.conversationId, "before the rotation"));

    const cut = waitFor<string>(userTab, "disconnect");
    const { settings } = unwrap(await updateSettings(console_, { rotateIdentitySecret: true }));
    expect(await cut).toBe("io server disconnect");
    expect(settings.identitySecret).toMatch(/^[0-9a-f]{64}$/);
    expect(settings.identitySecret).not.toBe(identitySecret);
    expect(anonymousTab.connected).toBe(true); // anonymous visitors are not concerned
    unwrap(await send(anonymousTab, anonymous.conversationId, "still here"));

    expect((await connectError(server.url, { auth: { token: user.token } })).data).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining("identity secret has changed") });
    expect(await refusal({ userId: "user-13", userHash: userHash("user-13") })).toMatchObject({ status: 403, code: "FORBIDDEN" });
    const again = await identifyOk({ userId: "user-13", userHash: userHash("user-13", settings.identitySecret) });
    expect(again.visitor.deviceId).toBe(user.visitor.deviceId);
    const back = await connectVisitor(server.url, again.token);
    track(back);
    const history = unwrap(await syncAll(back, again.conversationId));
    expect(history.messages.map((message) => message.body)).toEqual(["before the rotation"]);
  });

  it("answers BAD_INPUT for an update that changes nothing", async () => {
    expect(await updateSettings(console_, {})).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    expect(await updateSettings(console_, { rotateIdentitySecret: false })).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
  });
});

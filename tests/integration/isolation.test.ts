import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAgentSession, revokeAgentSession } from "../../src/core/sessions/agent-session.ts";
import { signVisitorToken } from "../../src/core/tokens/visitor-token.ts";
import type { AckResult, MessageView, PresenceChange } from "../../src/server/socket/contract.ts";
import {
  ACK_TIMEOUT_MS,
  connectAgent,
  connectError,
  connectVisitor,
  identifyVisitor,
  listConversations,
  openConversation,
  seedAgent,
  send,
  sessionCookie,
  unwrap,
  useServer,
  waitFor,
  type TestSocket,
} from "./support.ts";

const { server, track } = useServer();

/** Two visitors of one agent: each has a conversation, and neither may touch the other's. */
async function twoVisitors() {
  const agent = await seedAgent(server.db);
  const alice = await identifyVisitor(server.url, agent.deviceId);
  const mallory = await identifyVisitor(server.url, agent.deviceId);
  const [aliceTab, malloryTab, agentTab] = await Promise.all([
    connectVisitor(server.url, alice.token),
    connectVisitor(server.url, mallory.token),
    connectAgent(server.url, agent.cookie),
  ]);
  track(aliceTab, malloryTab, agentTab);
  unwrap(await send(aliceTab, alice.conversationId, "my address is 1 Private Lane"));
  return { agent, alice, mallory, aliceTab, malloryTab, agentTab };
}

const missingConversationId = () => randomBytes(32).toString("hex");

// Each attempt is made on someone else's conversation and on one that does not exist: the answers must match.
const attempts: Record<string, (socket: TestSocket, conversationId: string) => Promise<AckResult<unknown>>> = {
  "message:sync": (socket, conversationId) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:sync", { conversationId, afterSeq: 0 }),
  "message:send": (socket, conversationId) => send(socket, conversationId, "let me in"),
  "conversation:mark-read": (socket, conversationId) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId, seq: 1 }),
  "conversation:get": (socket, conversationId) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:get", { conversationId }),
};

describe("a visitor and someone else's conversation", () => {
  for (const [event, attempt] of Object.entries(attempts)) {
    it(`${event} answers NOT_FOUND, exactly as for a conversation that does not exist`, async () => {
      const { alice, malloryTab } = await twoVisitors();
      const others = await attempt(malloryTab, alice.conversationId);
      const missing = await attempt(malloryTab, missingConversationId());
      expect(others).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "conversation not found" } });
      expect(others).toEqual(missing);
    });
  }

  it("leaves the conversation untouched by the refused attempts", async () => {
    const { alice, malloryTab } = await twoVisitors();
    for (const attempt of Object.values(attempts)) await attempt(malloryTab, alice.conversationId);
    const messages = await server.db.message.findMany({ where: { conversationId: alice.conversationId } });
    expect(messages.map((message) => message.body)).toEqual(["my address is 1 Private Lane"]);
    const readStates = await server.db.readState.findMany({ where: { conversationId: alice.conversationId } });
    expect(readStates.map((state) => state.deviceId)).toEqual([alice.visitor.deviceId]);
  });

  it("is not in the inbox the visitor lists", async () => {
    const { alice, mallory, malloryTab } = await twoVisitors();
    const { conversations } = unwrap(await listConversations(malloryTab));
    expect(conversations.map((entry) => entry.id)).toEqual([mallory.conversationId]);
    expect(conversations.map((entry) => entry.id)).not.toContain(alice.conversationId);
  });

  it("sends the visitor none of its events", async () => {
    const { alice, mallory, aliceTab, malloryTab, agentTab } = await twoVisitors();
    const firstMessage = waitFor<MessageView>(malloryTab, "message:sent");
    const firstReceipt = waitFor<{ conversationId: string }>(malloryTab, "conversation:read");
    unwrap(await send(agentTab, alice.conversationId, "your parcel ships today"));
    unwrap(await aliceTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId: alice.conversationId, seq: 2 }));
    // Now events of Mallory's own conversation, emitted after Alice's: they must be the first Mallory hears.
    unwrap(await send(agentTab, mallory.conversationId, "and you?"));
    unwrap(await agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId: mallory.conversationId, seq: 1 }));
    expect(await firstMessage).toMatchObject({ conversationId: mallory.conversationId, body: "and you?" });
    expect(await firstReceipt).toMatchObject({ conversationId: mallory.conversationId });
  });
});

describe("presence across conversations", () => {
  it("does not tell a visitor that another visitor of the same agent came or went", async () => {
    const { alice, mallory, aliceTab, malloryTab, agentTab } = await twoVisitors();
    const heardByMallory: PresenceChange[] = [];
    malloryTab.on("presence:changed", (change) => heardByMallory.push(change));
    const agentSawAliceLeave = waitFor<PresenceChange>(agentTab, "presence:changed", (change) => change.deviceId === alice.visitor.deviceId && !change.online);
    aliceTab.close();
    await agentSawAliceLeave;
    // Emitted after Alice's "offline", into Mallory's room: once it is here, a leaked "offline" would be too.
    await Promise.all([waitFor(malloryTab, "message:sent"), send(agentTab, mallory.conversationId, "still there?")]);
    expect(heardByMallory.filter((change) => change.deviceId === alice.visitor.deviceId)).toEqual([]);
  });
});

describe("the handshake", () => {
  it("refuses a connection with no credentials", async () => {
    const err = await connectError(server.url, {});
    expect(err.data?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a garbage visitor token", async () => {
    expect((await connectError(server.url, { auth: { token: "not.a.token" } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a visitor token signed with another secret", async () => {
    const { visitor } = await openConversation(server);
    const forged = await signVisitorToken(visitor.visitor.deviceId, { secret: "someone-elses-secret-of-32-characters!!", ttlSeconds: 3600 });
    expect((await connectError(server.url, { auth: { token: forged } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses an expired visitor token", async () => {
    const { visitor } = await openConversation(server);
    const expired = await signVisitorToken(visitor.visitor.deviceId, { secret: server.config.AUTH_SECRET, ttlSeconds: 60, now: new Date(Date.now() - 3600_000) });
    expect((await connectError(server.url, { auth: { token: expired } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a correctly signed visitor token for a device that does not exist", async () => {
    const token = await signVisitorToken(randomBytes(16).toString("hex"), { secret: server.config.AUTH_SECRET, ttlSeconds: 3600 });
    expect((await connectError(server.url, { auth: { token } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a correctly signed visitor token that names an agent's device", async () => {
    const agent = await seedAgent(server.db);
    const token = await signVisitorToken(agent.deviceId, { secret: server.config.AUTH_SECRET, ttlSeconds: 3600 });
    expect((await connectError(server.url, { auth: { token } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a garbage session cookie", async () => {
    expect((await connectError(server.url, { extraHeaders: { cookie: "authjs.session-token=garbage" } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a session cookie encrypted with another secret", async () => {
    const agent = await seedAgent(server.db);
    const cookie = await sessionCookie({ sessionToken: agent.sessionToken }, "someone-elses-secret-of-32-characters!!");
    expect((await connectError(server.url, { extraHeaders: { cookie } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a well-formed session cookie naming a session that never existed", async () => {
    const cookie = await sessionCookie({ sessionToken: randomUUID() });
    expect((await connectError(server.url, { extraHeaders: { cookie } })).data?.code).toBe("UNAUTHENTICATED");
  });
});

describe("a revoked agent session", () => {
  it("cuts that session's live sockets at once and refuses its cookie afterwards", async () => {
    const agent = await seedAgent(server.db);
    const [tabOne, tabTwo] = await Promise.all([connectAgent(server.url, agent.cookie), connectAgent(server.url, agent.cookie)]);
    track(tabOne, tabTwo);
    const cut = Promise.all([waitFor<string>(tabOne, "disconnect"), waitFor<string>(tabTwo, "disconnect")]);
    await revokeAgentSession(server.db, agent.sessionToken);
    expect(await cut).toEqual(["io server disconnect", "io server disconnect"]);
    expect((await connectError(server.url, { extraHeaders: { cookie: agent.cookie } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("leaves the agent's other sessions connected", async () => {
    const agent = await seedAgent(server.db);
    const otherCookie = await sessionCookie({ sessionToken: await createAgentSession(server.db, agent.id) });
    const [revokedTab, otherTab] = await Promise.all([connectAgent(server.url, agent.cookie), connectAgent(server.url, otherCookie)]);
    track(revokedTab, otherTab);
    const cut = waitFor(revokedTab, "disconnect");
    await revokeAgentSession(server.db, agent.sessionToken);
    await cut;
    expect(otherTab.connected).toBe(true);
    expect(unwrap(await listConversations(otherTab))).toEqual({ conversations: [], nextCursor: null });
  });
});

import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MessageView } from "../../src/server/socket/contract.ts";
import { identifyVisitor, openChat, seedAgent, send, unwrap, useServer, waitFor } from "./support.ts";

const { server, track } = useServer();

const messagesOf = (conversationId: string) => server.db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" } });

describe("message:send", () => {
  it("acks a visitor's message with the stored message and delivers it to the agent", async () => {
    const c = await openChat(server, track);
    const clientMsgId = randomUUID();
    const [ack, received] = await Promise.all([
      send(c.visitorTab, c.conversationId, "  Where is my order?  ", clientMsgId),
      waitFor<MessageView>(c.agentTab, "message:sent"),
    ]);
    const { message } = unwrap(ack);
    expect(message).toEqual({
      id: expect.any(String),
      conversationId: c.conversationId,
      seq: 1,
      senderDeviceId: c.visitor.visitor.deviceId,
      clientMsgId,
      type: "text",
      body: "Where is my order?", // trimmed
      attachment: null,
      createdAt: expect.any(String),
    });
    expect(received).toEqual(message);
  });

  it("delivers an agent's reply to the visitor with the next seq", async () => {
    const c = await openChat(server, track);
    unwrap(await send(c.visitorTab, c.conversationId, "hello?"));
    const [ack, received] = await Promise.all([send(c.agentTab, c.conversationId, "Hi, how can I help?"), waitFor<MessageView>(c.visitorTab, "message:sent")]);
    expect(unwrap(ack).message).toMatchObject({ seq: 2, senderDeviceId: c.agent.deviceId, body: "Hi, how can I help?" });
    expect(received).toEqual(unwrap(ack).message);
  });

  it("reaches the sender's other tab but not the socket that sent it", async () => {
    const c = await openChat(server, track);
    const firstAtSender = waitFor<MessageView>(c.visitorTab, "message:sent");
    const [ack, atOtherTab] = await Promise.all([send(c.visitorTab, c.conversationId, "from tab one"), waitFor<MessageView>(c.visitorOtherTab, "message:sent")]);
    expect(atOtherTab).toEqual(unwrap(ack).message);
    // The agent's reply is emitted after the visitor's message; had the sender got its own, that would come first.
    unwrap(await send(c.agentTab, c.conversationId, "reply"));
    expect((await firstAtSender).body).toBe("reply");
  });

  it("stores a message in the database with the seq it acked", async () => {
    const c = await openChat(server, track);
    const { message } = unwrap(await send(c.visitorTab, c.conversationId, "persist me"));
    const rows = await messagesOf(c.conversationId);
    expect(rows).toEqual([expect.objectContaining({ id: message.id, seq: 1, body: "persist me", senderDeviceId: c.visitor.visitor.deviceId })]);
    expect(await server.db.conversation.findUniqueOrThrow({ where: { id: c.conversationId } })).toMatchObject({ lastSeq: 1 });
  });
});

describe("the body's length", () => {
  it("counts UTF-16 units as the protocol says, so 2,000 emoji fit and 2,001 do not", async () => {
    const c = await openChat(server, track);
    expect(unwrap(await send(c.visitorTab, c.conversationId, "😀".repeat(2000))).message.body).toHaveLength(4000);
    expect(await send(c.visitorTab, c.conversationId, "😀".repeat(2001))).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    expect(await messagesOf(c.conversationId)).toHaveLength(1);
  });
});

describe("resending with the same clientMsgId", () => {
  it("returns the stored message instead of storing it twice", async () => {
    const c = await openChat(server, track);
    const clientMsgId = randomUUID();
    const first = unwrap(await send(c.visitorTab, c.conversationId, "only once", clientMsgId));
    const retry = unwrap(await send(c.visitorTab, c.conversationId, "only once", clientMsgId));
    expect(retry.message).toEqual(first.message);
    expect(await messagesOf(c.conversationId)).toHaveLength(1);
  });

  it("is recognised from another tab of the same visitor too", async () => {
    const c = await openChat(server, track);
    const clientMsgId = randomUUID();
    const first = unwrap(await send(c.visitorTab, c.conversationId, "typed in tab one", clientMsgId));
    const retry = unwrap(await send(c.visitorOtherTab, c.conversationId, "typed in tab one", clientMsgId));
    expect(retry.message).toEqual(first.message);
    expect(await messagesOf(c.conversationId)).toHaveLength(1);
  });

  it("broadcasts a retry again, as the same message, in case the original broadcast was lost with its node", async () => {
    const c = await openChat(server, track);
    const clientMsgId = randomUUID();
    const [first, original] = await Promise.all([send(c.visitorTab, c.conversationId, "once", clientMsgId), waitFor<MessageView>(c.agentTab, "message:sent")]);
    expect(original.id).toBe(unwrap(first).message.id);
    const [retry, again] = await Promise.all([send(c.visitorTab, c.conversationId, "once", clientMsgId), waitFor<MessageView>(c.agentTab, "message:sent")]);
    expect(again).toEqual(original); // same id and seq: a client that already holds it dedupes it
    expect(unwrap(retry).message).toEqual(original);
    expect(await messagesOf(c.conversationId)).toHaveLength(1);
  });

  it("matches the clientMsgId case-insensitively and echoes it lower-case", async () => {
    const c = await openChat(server, track);
    const clientMsgId = randomUUID();
    const first = unwrap(await send(c.visitorTab, c.conversationId, "shouting UUID", clientMsgId.toUpperCase()));
    const retry = unwrap(await send(c.visitorTab, c.conversationId, "shouting UUID", clientMsgId));
    expect(first.message.clientMsgId).toBe(clientMsgId);
    expect(retry.message).toEqual(first.message);
    expect(await messagesOf(c.conversationId)).toHaveLength(1);
  });

  it("refuses a clientMsgId already used in another of the sender's conversations, storing nothing", async () => {
    const c = await openChat(server, track);
    const otherAgent = await seedAgent(server.db, "Grace");
    const other = await identifyVisitor(server.url, otherAgent.deviceId, c.visitor.token);
    const clientMsgId = randomUUID();
    unwrap(await send(c.visitorTab, c.conversationId, "to Ada", clientMsgId));
    const reused = await send(c.visitorTab, other.conversationId, "to Grace", clientMsgId);
    expect(reused).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await messagesOf(other.conversationId)).toHaveLength(0);
  });

  it("stores concurrent retries of one message once", async () => {
    const c = await openChat(server, track);
    const clientMsgId = randomUUID();
    const acks = await Promise.all([c.visitorTab, c.visitorOtherTab, c.visitorTab, c.visitorOtherTab].map((tab) => send(tab, c.conversationId, "racing", clientMsgId)));
    const ids = new Set(acks.map((ack) => unwrap(ack).message.id));
    expect(ids.size).toBe(1);
    expect(acks.map((ack) => unwrap(ack).message.seq)).toEqual([1, 1, 1, 1]);
    expect(await messagesOf(c.conversationId)).toHaveLength(1);
  });
});

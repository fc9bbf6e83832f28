import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { addIpBlock } from "../../src/core/blocks/blocks.ts";
import { batcherFor } from "../../src/server/message-batcher.ts";
import type { MessageView } from "../../src/server/socket/contract.ts";
import { connectAgent, connectVisitor, identifyVisitor, listConversations, seedAgent, send, unwrap, useServer, waitFor } from "./support.ts";
import { form, GoimClient, goimVisitor, joined, ok, type GoimMessage, type GoimUser } from "./goim-support.ts";

const { server, track } = useServer({ GOIM_TCP_PORT: 0 });
const clients: GoimClient[] = [];
afterAll(() => clients.forEach((client) => client.close()));

async function tcpVisitor(visitor: GoimUser): Promise<GoimClient> {
  await server.app.goim.ready;
  const client = await GoimClient.tcp(server.app.goim.tcpAddress()!.port);
  clients.push(client);
  return joined(client, visitor);
}

/** An agent connected over Socket.IO, and a golang-im visitor of theirs (not connected yet). */
async function agentAndGoimVisitor() {
  const agent = await seedAgent(server.db);
  const agentSocket = await connectAgent(server.url, agent.cookie);
  track(agentSocket);
  return { agent, agentSocket, visitor: await goimVisitor(server.url, agent.deviceId) };
}

const push = (user: GoimUser, msg: string, extra: Record<string, string> = {}) =>
  form<GoimMessage>(server.url, "/open/push", { room_id: user.room_id, type: "text", msg, user_id: user.user_id, shop_id: user.shop_id, ...extra }, user.token);

const pushOf = (client: GoimClient, msg: string) => client.next((frame) => frame.op === 5 && (JSON.parse(frame.body) as GoimMessage).msg === msg, `op 5 "${msg}"`).then((frame) => JSON.parse(frame.body) as GoimMessage);

describe("a golang-im visitor over TCP and a Parley agent over Socket.IO", () => {
  it("chat both ways in one conversation with one sequence", async () => {
    const agent = await seedAgent(server.db);
    const agentSocket = await connectAgent(server.url, agent.cookie);
    track(agentSocket);
    const visitor = await goimVisitor(server.url, agent.deviceId); // a Parley agent's shop_id is its device id
    expect(visitor.room_id).toBe(visitor.user_id + agent.deviceId);
    const client = await tcpVisitor(visitor);

    const [received, posted] = await Promise.all([waitFor<MessageView>(agentSocket, "message:sent"), push(visitor, "Where is my order?")]);
    expect(received).toMatchObject({ conversationId: visitor.room_id, senderDeviceId: visitor.user_id, body: "Where is my order?", seq: 1 });
    expect(ok(posted)).toMatchObject({ id: received.id, seq: 1 });
    expect(await pushOf(client, "Where is my order?")).toMatchObject({ id: received.id }); // golang-im's page shows its own message from the push

    const reply = unwrap(await send(agentSocket, visitor.room_id, "It ships today"));
    expect(await pushOf(client, "It ships today")).toEqual({
      user_id: agent.deviceId,
      shop_id: agent.deviceId,
      type: "text",
      msg: "It ships today",
      room_id: visitor.room_id,
      dateline: Math.floor(Date.parse(reply.message.createdAt) / 1000),
      id: reply.message.id,
      seq: 2,
    });

    const { conversations } = unwrap(await listConversations(agentSocket));
    expect(conversations.map((conversation) => conversation.id)).toContain(visitor.room_id);
  });

  it("stores a native client's op 23 once per client_msg_id, and the agent hears it", async () => {
    const { agentSocket, visitor } = await agentAndGoimVisitor();
    const client = await tcpVisitor(visitor);
    const clientMsgId = randomUUID();
    const heard = waitFor<MessageView>(agentSocket, "message:sent");
    client.send(23, 31, JSON.stringify({ type: "text", msg: "over tcp", client_msg_id: clientMsgId }));
    const stored = JSON.parse((await client.nextOp(24)).body) as GoimMessage;
    expect(stored).toMatchObject({ seq: 1, msg: "over tcp", user_id: visitor.user_id });
    expect((await heard).id).toBe(stored.id);
    client.send(23, 32, JSON.stringify({ type: "text", msg: "over tcp", client_msg_id: clientMsgId })); // a retry after a lost reply
    expect(JSON.parse((await client.nextOp(24)).body)).toMatchObject({ id: stored.id, seq: 1 });
    const retried = ok(await push(visitor, "over tcp", { client_msg_id: clientMsgId }));
    expect(retried).toMatchObject({ id: stored.id, seq: 1 });
  });

  it("tells the Socket.IO side when the goim visitor reads (op 20)", async () => {
    const { agentSocket, visitor } = await agentAndGoimVisitor();
    const client = await tcpVisitor(visitor);
    const reply = unwrap(await send(agentSocket, visitor.room_id, "hello"));
    const read = waitFor<{ deviceId: string; lastReadSeq: number }>(agentSocket, "conversation:read");
    client.send(20, 4, reply.message.id);
    await client.nextOp(21);
    expect(await read).toMatchObject({ conversationId: visitor.room_id, deviceId: visitor.user_id, lastReadSeq: 1 });
  });

  it("shows the goim visitor online to the Parley agent while connected, and offline after", async () => {
    const { agentSocket, visitor } = await agentAndGoimVisitor();
    const online = waitFor<{ deviceId: string; online: boolean }>(agentSocket, "presence:changed", (change) => change.deviceId === visitor.user_id);
    const client = await tcpVisitor(visitor);
    expect(await online).toMatchObject({ online: true });
    const offline = waitFor<{ deviceId: string; online: boolean }>(agentSocket, "presence:changed", (change) => change.deviceId === visitor.user_id);
    client.close();
    expect(await offline).toMatchObject({ online: false }); // PRESENCE_GRACE_MS is 0 in tests
  });

  it("refuses a blocked IP on both protocols", async () => {
    const agent = await seedAgent(server.db);
    const visitor = await goimVisitor(server.url, agent.deviceId);
    const parleyVisitor = await identifyVisitor(server.url, agent.deviceId);
    const client = await tcpVisitor(visitor);
    const visitorSocket = await connectVisitor(server.url, parleyVisitor.token);
    track(visitorSocket);
    await addIpBlock(server.db, agent.id, "127.0.0.1");

    expect(await push(visitor, "let me in")).toMatchObject({ success: false, code: -1, error: "BLOCKED" });
    client.send(23, 5, JSON.stringify({ msg: "let me in" }));
    expect(JSON.parse((await client.nextOp(22)).body)).toMatchObject({ code: "BLOCKED", op: 23 });
    client.send(4, 6, '{"typing":true}');
    expect(JSON.parse((await client.nextOp(22)).body)).toMatchObject({ code: "BLOCKED", op: 4 });
    expect(await form(server.url, "/open/adduser", { shop_id: agent.deviceId })).toMatchObject({ success: false, error: "BLOCKED" });
    expect(await send(visitorSocket, parleyVisitor.conversationId, "let me in")).toMatchObject({ ok: false, error: { code: "BLOCKED" } });
    expect(await server.db.message.count({ where: { conversationId: { in: [visitor.room_id, parleyVisitor.conversationId] } } })).toBe(0);
  });

  it("group-commits op 23 sends with the other sends of the node (one statement for several messages)", async () => {
    const agent = await seedAgent(server.db);
    const clients = await Promise.all(Array.from({ length: 10 }, async () => {
      const visitor = await goimVisitor(server.url, agent.deviceId);
      return { visitor, client: await tcpVisitor(visitor) };
    }));
    const before = { ...batcherFor(server.db).stats };
    clients.forEach(({ client }, i) => client.send(23, 40, JSON.stringify({ type: "text", msg: `at once ${i}`, client_msg_id: randomUUID() })));
    const stored = await Promise.all(clients.map(({ client }) => client.nextOp(24).then((frame) => JSON.parse(frame.body) as GoimMessage)));
    expect(stored.map(({ msg, seq, room_id }) => ({ msg, seq, room_id }))).toEqual(clients.map(({ visitor }, i) => ({ msg: `at once ${i}`, seq: 1, room_id: visitor.room_id })));
    const after = batcherFor(server.db).stats;
    expect(after.stored - before.stored).toBe(10);
    expect(after.statements - before.statements).toBeLessThan(10); // not one statement (and commit) per message
  });
});

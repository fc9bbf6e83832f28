// Two Parley nodes on one Redis: a golang-im client on one node and its peer on the other still share the room,
// because goim connections hear Socket.IO room broadcasts, which the Redis adapter carries between nodes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../src/core/db.ts";
import type { MessageView } from "../../src/server/socket/contract.ts";
import { freePort, useCluster, type NodeProcess } from "./cluster.ts";
import { closeAll, connectAgent, seedAgent, send, unwrap, waitFor, type TestSocket } from "./support.ts";
import { form, GoimClient, goimAgent, goimVisitor, joined, ok, type GoimMessage, type GoimUser } from "./goim-support.ts";

const cluster = useCluster();
let db: Db;
let nodeA: NodeProcess;
let nodeB: NodeProcess;
const tcpPorts = new Map<NodeProcess, number>();
const clients: GoimClient[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  const [redis, databaseUrl] = await Promise.all([cluster.startRedis(), cluster.testDatabase()]);
  db = createDb(databaseUrl);
  const ports = [await freePort(), await freePort()];
  [nodeA, nodeB] = await Promise.all(ports.map((port) => cluster.startNode({ databaseUrl, redisUrl: redis.url, env: { GOIM_TCP_PORT: String(port), SIGN_UP_RATE_LIMIT: "off" } })));
  tcpPorts.set(nodeA, ports[0]!).set(nodeB, ports[1]!);
  await Promise.all([nodeA, nodeB].map((node) => node.waitForLog((line) => line.msg === "goim TCP listener ready", "goim TCP listener ready")));
}, 40_000);

afterAll(async () => {
  clients.forEach((client) => client.close());
  closeAll(...sockets);
  await db?.$disconnect();
});

async function tcpOn(node: NodeProcess, user: GoimUser, room = user.room_id): Promise<GoimClient> {
  const client = await GoimClient.tcp(tcpPorts.get(node)!);
  clients.push(client);
  return joined(client, user, room);
}

const pushOf = (client: GoimClient, msg: string) => client.next((frame) => frame.op === 5 && frame.body.includes(msg), `op 5 "${msg}"`).then((frame) => JSON.parse(frame.body) as GoimMessage);

describe("goim across nodes", () => {
  it("carries messages both ways between a golang-im visitor on node A and a Socket.IO agent on node B", async () => {
    const agent = await seedAgent(db);
    const visitor = ok(await form<GoimUser>(nodeA.url, "/open/adduser", { shop_id: agent.deviceId }));
    // Connected after the room exists, so its handshake joins it on node B (not the cross-node socketsJoin of adduser, which is not awaited).
    const agentSocket = await connectAgent(nodeB.url, agent.cookie);
    sockets.push(agentSocket);
    const client = await tcpOn(nodeA, visitor);

    const [heard] = await Promise.all([
      waitFor<MessageView>(agentSocket, "message:sent"),
      form(nodeA.url, "/open/push", { room_id: visitor.room_id, type: "text", msg: "from A", user_id: visitor.user_id, shop_id: visitor.shop_id }, visitor.token),
    ]);
    expect(heard).toMatchObject({ body: "from A", seq: 1 });
    const reply = unwrap(await send(agentSocket, visitor.room_id, "from B"));
    expect(await pushOf(client, "from B")).toMatchObject({ id: reply.message.id, seq: 2, user_id: agent.deviceId });
  });

  it("relays op 4 and pushes between goim clients on different nodes, and shares presence", async () => {
    const agent = await goimAgent(nodeA.url);
    const visitor = await goimVisitor(nodeA.url, agent.shop_id);
    const visitorClient = await tcpOn(nodeA, visitor);
    const agentClient = await tcpOn(nodeB, agent, visitor.room_id);
    visitorClient.send(4, 3, '{"typing":"visitor"}');
    expect((await agentClient.nextOp(5)).body).toBe('{"typing":"visitor"}');
    ok(await form(nodeB.url, "/open/push", { room_id: visitor.room_id, type: "text", msg: "pushed on B", user_id: agent.user_id, shop_id: agent.shop_id }, agent.token));
    expect(await pushOf(visitorClient, "pushed on B")).toMatchObject({ user_id: agent.user_id, seq: 1 });
    const list = ok(await form<{ list: { user_id: string; is_online: boolean }[] }>(nodeB.url, "/open/finduserlist", { shop_id: agent.shop_id, typ: "online" }, agent.token));
    expect(list.list).toEqual([expect.objectContaining({ user_id: visitor.user_id, is_online: true })]);
  });
});

// Two nodes on a redis-server of this file's own, which the tests restart and freeze mid-conversation:
// the nodes stay up, senders are asked to retry while broadcasts cannot go out, the adapter comes back,
// and sync closes whatever gap the outage left.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../src/core/db.ts";
import type { MessageView } from "../../src/server/socket/contract.ts";
import { ChatClient, useCluster, type NodeProcess, type RedisServer } from "./cluster.ts";
import { closeAll, connectAgent, connectVisitor, identifyVisitor, listConversations, seedAgent, send, unwrap, waitFor, type TestSocket } from "./support.ts";

const cluster = useCluster();
let db: Db;
let redis: RedisServer;
let nodeA: NodeProcess;
let nodeB: NodeProcess;
const clients: ChatClient[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  const [started, databaseUrl] = await Promise.all([cluster.startRedis(), cluster.testDatabase()]);
  redis = started;
  db = createDb(databaseUrl);
  // These tests flood one device with sends on purpose; the per-device rate limit would refuse the flood
  // before the failure under test does (it has tests of its own: security-limits*.test.ts).
  const env = { MESSAGES_RATE_LIMIT: "off" };
  [nodeA, nodeB] = await Promise.all([0, 1].map(() => cluster.startNode({ databaseUrl, redisUrl: redis.url, env })));
}, 30_000);

afterAll(async () => {
  for (const client of clients) client.close();
  closeAll(...sockets);
  await db?.$disconnect();
});

const bothNodes = () => [nodeA, nodeB];
/** Where each node's log stands now; `logged` then waits for a line printed after that. */
const markLogs = () => new Map(bothNodes().map((node) => [node, node.mark()]));
const logged = (since: Map<NodeProcess, number>, node: NodeProcess, msg: string, role?: string) =>
  node.waitForLog((line) => line.msg === msg && (role === undefined || line.role === role), `'${msg}'${role ? ` (${role})` : ""}`, 10_000, since.get(node));

describe("Redis restarted mid-conversation", () => {
  it("keeps the nodes up, asks senders to retry while it is down, and every message reaches both sides once", async () => {
    const agent = await seedAgent(db);
    const session = await identifyVisitor(nodeA.url, agent.deviceId);
    const { conversationId } = session;
    const visitor = new ChatClient({ name: "visitor", urls: [nodeA.url], credentials: { token: session.token }, deviceId: session.visitor.deviceId, conversationId });
    const agentTab = new ChatClient({ name: "agent", urls: [nodeB.url], credentials: { cookie: agent.cookie }, deviceId: agent.deviceId, conversationId });
    clients.push(visitor, agentTab);
    await Promise.all([visitor.start(), agentTab.start()]);
    await Promise.all([visitor.send("before 1"), agentTab.send("before 2")]);
    await Promise.all([visitor.settled(2), agentTab.settled(2)]);

    const beforeStop = markLogs();
    await redis.stop();
    await Promise.all(bothNodes().map((node) => logged(beforeStop, node, "redis connection error")));
    // Sends while Redis is down: refused as retriable (backpressure), resent by the clients with the same clientMsgId.
    const during = [...[1, 2, 3].map((i) => visitor.send(`during ${i}`)), ...[1, 2].map((i) => agentTab.send(`during reply ${i}`))];
    await visitor.waitUntil(() => visitor.stats.unavailable > 0, "told to retry");
    await agentTab.waitUntil(() => agentTab.stats.unavailable > 0, "told to retry");
    expect(await nodeA.health()).toMatchObject({ status: 503, body: { database: "up", redis: "down" } });

    await redis.start();
    await Promise.all(bothNodes().flatMap((node) => ["pub", "sub", "client"].map((role) => logged(beforeStop, node, "redis connection restored", role))));
    await Promise.all(during);

    // Later messages flow across nodes live again...
    const [atAgent, ack] = await Promise.all([waitFor<MessageView>(agentTab.socket!, "message:sent", (message) => message.body === "after"), visitor.send("after")]);
    expect(atAgent).toEqual(ack);
    // ...and the live message's seq shows each side whatever it missed meanwhile, which sync fetches.
    await Promise.all([visitor.settled(8), agentTab.settled(8)]);
    expect(visitor.messages()).toEqual(agentTab.messages());
    expect(visitor.messages().map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const stored = await db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" } });
    expect(stored.map((row) => row.clientMsgId)).toEqual(visitor.messages().map((message) => message.clientMsgId));
    expect(new Set(stored.map((row) => row.clientMsgId))).toEqual(new Set([...visitor.sent, ...agentTab.sent]));
    expect([visitor.conflicts, agentTab.conflicts, visitor.stats.connects, agentTab.stats.connects]).toEqual([[], [], 1, 1]); // the sockets never dropped

    // Presence survives the restart too: node B still sees the visitor connected to node A.
    const inbox = unwrap(await listConversations(agentTab.socket!)).conversations;
    expect(inbox.find((entry) => entry.id === conversationId)).toMatchObject({ peerOnline: true });
    expect(bothNodes().every((node) => node.isRunning)).toBe(true);
  });
});

describe("a publish flood while Redis stalls", () => {
  it("keeps every node alive: senders are answered, the stall is logged, and messages cross nodes once Redis is back", async () => {
    const agent = await seedAgent(db);
    const agentTab = await connectAgent(nodeB.url, agent.cookie);
    sockets.push(agentTab);
    // Twenty visitors, half on each node, each sending one message at a time (as clients do) as fast as acks come.
    const senders = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const node = bothNodes()[i % 2];
        const session = await identifyVisitor(node.url, agent.deviceId);
        const socket = await connectVisitor(node.url, session.token);
        sockets.push(socket);
        return { socket, conversationId: session.conversationId };
      }),
    );
    const outcomes = new Map<string, number>();
    let flooding = true;
    const flood = senders.map(async ({ socket, conversationId }) => {
      for (let i = 0; flooding; i++) {
        const result = await send(socket, conversationId, `flood ${i} ${"x".repeat(500)}`, randomUUID(), 8_000).catch(() => undefined);
        const outcome = !result ? "no ack" : result.ok ? "ok" : `${result.error.code}${result.error.retriable ? " (retriable)" : ""}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    });

    try {
      const beforePause = markLogs();
      redis.pause();
      try {
        // Both nodes notice (their broadcasts get no answer) while senders keep being answered.
        await Promise.all(bothNodes().map((node) => logged(beforePause, node, "redis is not answering; broadcasts to other nodes are waiting")));
        expect(await nodeB.health()).toMatchObject({ status: 503, body: { database: "up", redis: "down" } });
      } finally {
        redis.resume();
      }
      await Promise.all(bothNodes().map((node) => logged(beforePause, node, "redis answers again")));
    } finally {
      flooding = false;
      await Promise.all(flood);
    }

    expect(bothNodes().every((node) => node.isRunning)).toBe(true);
    for (const node of bothNodes()) expect(await node.healthBecomes(200)).toMatchObject({ body: { database: "up", redis: "up" } });
    // Stored and acked, or refused by backpressure (retriable): nothing else.
    expect((outcomes.get("ok") ?? 0) + (outcomes.get("UNAVAILABLE (retriable)") ?? 0)).toBeGreaterThan(0);
    expect([...outcomes.keys()].filter((outcome) => outcome !== "ok" && outcome !== "UNAVAILABLE (retriable)")).toEqual([]);

    // A new message crosses nodes live.
    const { socket: onA, conversationId } = senders[0];
    const body = `after the stall ${randomUUID()}`;
    const [atAgent, ack] = await Promise.all([waitFor<MessageView>(agentTab, "message:sent", (message) => message.body === body), send(onA, conversationId, body)]);
    expect(atAgent).toEqual(unwrap(ack).message);
  });
});

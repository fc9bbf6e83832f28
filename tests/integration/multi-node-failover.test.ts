// Losing a node mid-conversation, abruptly (SIGKILL) or politely (SIGTERM): clients that follow
// docs/protocol.md move to another node, resend what was not acked and sync what they missed, and
// both sides end up with exactly the messages sent, in order, once each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createDb, type Db } from "../../src/core/db.ts";
import { ChatClient, useCluster, within, type NodeProcess } from "./cluster.ts";
import { pollUntil } from "../support/poll.ts";
import { identifyVisitor, seedAgent } from "./support.ts";

const cluster = useCluster();
let databaseUrl: string;
let db: Db;
let nodeA: NodeProcess;
let nodeB: NodeProcess;
let nodeC: NodeProcess;
const clients: ChatClient[] = [];

beforeAll(async () => {
  const [redis, url] = await Promise.all([cluster.startRedis(), cluster.testDatabase()]);
  databaseUrl = url;
  db = createDb(databaseUrl);
  // These tests flood one device with sends on purpose; the per-device rate limit would refuse the flood
  // before the failure under test does (it has tests of its own: security-limits*.test.ts).
  const env = { MESSAGES_RATE_LIMIT: "off" };
  [nodeA, nodeB, nodeC] = await Promise.all([0, 1, 2].map(() => cluster.startNode({ databaseUrl, redisUrl: redis.url, env })));
}, 30_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await db?.$disconnect();
});

/** A visitor and its agent, each as a protocol client with its own list of nodes to fall back on. */
async function conversation(visitorUrls: string[], agentUrls: string[]) {
  const agent = await seedAgent(db);
  const session = await identifyVisitor(visitorUrls[0], agent.deviceId);
  const { conversationId } = session;
  const visitor = new ChatClient({ name: "visitor", urls: visitorUrls, credentials: { token: session.token }, deviceId: session.visitor.deviceId, conversationId });
  const agentTab = new ChatClient({ name: "agent", urls: agentUrls, credentials: { cookie: agent.cookie }, deviceId: agent.deviceId, conversationId });
  clients.push(visitor, agentTab);
  await Promise.all([visitor.start(), agentTab.start()]);
  return { visitor, agentTab, conversationId };
}

/**
 * Both sides hold the same messages, seqs 1..n with no gap, exactly as stored; every clientMsgId that was
 * sent is there once, and each sender's messages are in the order it sent them.
 */
async function expectExactlyOnce(conversationId: string, ...sides: ChatClient[]) {
  const rows = await db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" } });
  const stored = rows.map(({ id, seq, senderDeviceId, clientMsgId, body }) => ({ id, seq, senderDeviceId, clientMsgId, body }));
  const sent = sides.flatMap((side) => side.sent);
  expect(stored.map((row) => row.seq)).toEqual(sent.map((_, i) => i + 1));
  expect(new Set(stored.map((row) => row.clientMsgId))).toEqual(new Set(sent));
  for (const side of sides) {
    expect(side.conflicts).toEqual([]);
    expect(side.errors).toEqual([]);
    expect(side.messages().map(({ id, seq, senderDeviceId, clientMsgId, body }) => ({ id, seq, senderDeviceId, clientMsgId, body }))).toEqual(stored);
    expect(stored.filter((row) => side.sent.includes(row.clientMsgId)).map((row) => row.clientMsgId)).toEqual(side.sent);
  }
}

describe("a node that dies", () => {
  it("SIGKILLed mid-stream: the sender moves to the next node, resends, and both sides hold every message once", async () => {
    const { visitor, agentTab, conversationId } = await conversation([nodeA.url, nodeB.url], [nodeB.url, nodeA.url]);
    const visitorSends = Array.from({ length: 40 }, (_, i) => visitor.send(`visitor ${i + 1}`));
    const agentSends = Array.from({ length: 10 }, (_, i) => agentTab.send(`agent ${i + 1}`));

    await visitor.waitUntil(() => visitor.outbox.length <= 30, "10 messages acked");
    nodeA.signal("SIGKILL");
    expect(await within(nodeA.exited, 5_000, "node A's exit")).toEqual({ code: null, signal: "SIGKILL" });

    await within(Promise.all([...visitorSends, ...agentSends]), 15_000, "every send acked");
    expect(visitor.connectedTo).toBe(nodeB.url);
    // A node killed between storing a message and publishing it takes that broadcast with it; the next message's
    // seq reveals the gap, but nothing follows the very last one: the next sync (here: the tab shown again) brings it.
    await agentTab.sync();
    await Promise.all([visitor.settled(50), agentTab.settled(50)]);
    await expectExactlyOnce(conversationId, visitor, agentTab);
    expect(visitor.stats.connects).toBeGreaterThanOrEqual(2);
  });

  it("SIGTERMed with a send in flight: the send is acked, the node exits 0, and its clients continue on another node", async () => {
    const { visitor, agentTab, conversationId } = await conversation([nodeC.url, nodeB.url], [nodeB.url]);
    await Promise.all([visitor.send("before"), agentTab.send("hello")]);

    // Hold the conversation's row lock, so the next send is stuck inside the node when SIGTERM arrives.
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`SELECT 1 FROM "Conversation" WHERE id = $1 FOR UPDATE`, [conversationId]);
      const inFlight = visitor.send("in flight");
      await untilSomeoneWaitsForALock(locker);

      nodeC.signal("SIGTERM");
      await nodeC.waitForLog((line) => line.msg === "shutting down", "'shutting down'");
      // While it drains, the node still answers its balancer's probes: 503, and why.
      expect(await nodeC.health()).toMatchObject({ status: 503, body: { shuttingDown: true } });
      await locker.query("COMMIT");

      const stored = await within(inFlight, 10_000, "the in-flight send's ack");
      expect(stored).toMatchObject({ seq: 3, body: "in flight" });
      expect(visitor.stats.resends).toBe(0); // acked by the node that was shutting down, not by a resend elsewhere
    } finally {
      await locker.end();
    }
    expect(await within(nodeC.exited, 10_000, "node C's exit")).toEqual({ code: 0, signal: null });

    // The visitor lands on node B, syncs, and the conversation goes on there.
    await visitor.waitUntil(() => visitor.connectedTo === nodeB.url, "on node B");
    await Promise.all([agentTab.send("still here?"), visitor.send("yes")]);
    await Promise.all([visitor.settled(5), agentTab.settled(5)]);
    await expectExactlyOnce(conversationId, visitor, agentTab);
    expect(nodeC.problems()).toEqual([]);
  });
});

/** There is no event for "a query is waiting for a lock": ask PostgreSQL until one is (bounded). */
async function untilSomeoneWaitsForALock(client: pg.Client, timeoutMs = 5_000): Promise<void> {
  const probe = async () => {
    const { rows } = await client.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows[0].waiting > 0 ? true : undefined;
  };
  await pollUntil(probe, { timeoutMs, intervalMs: 20, onTimeout: () => new Error(`no query waited for the lock within ${timeoutMs} ms`) });
}

import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Actor } from "../../src/core/actor.ts";
import { addIpBlock, blockVisitor } from "../../src/core/blocks/blocks.ts";
import { createDb, type Db } from "../../src/core/db.ts";
import { ChatError } from "../../src/core/errors.ts";
import { signUpAgent } from "../../src/core/agents/sign-up-agent.ts";
import { conversationIdOf, newDeviceId } from "../../src/core/ids.ts";
import { storeTextMessages } from "../../src/core/messages/store-messages.ts";
import { startEmbeddedPostgres } from "../../src/server/db/embedded-postgres.ts";
import { applyMigrations } from "../../src/server/db/migrate.ts";
import { createLogger } from "../../src/server/log.ts";
import { laneOf, MessageBatcher } from "../../src/server/message-batcher.ts";
import { toWireError } from "../../src/server/reply.ts";
import { identifyVisitor, seedAgent, useServer } from "./support.ts";

const { server } = useServer();

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const text = (conversationId: string, body: string, clientMsgId: string = randomUUID()) => ({ conversationId, clientMsgId, body });
const codeOf = async (promise: Promise<unknown>) => promise.then(() => "ok", (err: unknown) => (err instanceof ChatError ? err.code : String(err)));

/** An agent and one visitor of it, as actors, on the test server. */
async function conversation() {
  const agent = await seedAgent(server.db);
  const visitor = await identifyVisitor(server.url, agent.deviceId);
  const visitorActor: Actor = { kind: "visitor", deviceId: visitor.visitor.deviceId };
  const agentActor: Actor = { kind: "agent", deviceId: agent.deviceId, agentId: agent.id, sessionToken: agent.sessionToken };
  return { agent, conversationId: visitor.conversationId, visitorActor, agentActor };
}

async function expectGapFree(db: Db, conversationId: string, count: number) {
  const rows = await db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" }, select: { seq: true } });
  expect(rows.map((row) => row.seq)).toEqual(range(1, count));
  expect(await db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ lastSeq: count });
}

describe("storeTextMessages (one statement for a batch)", () => {
  it("gives a batch into one conversation consecutive seqs in arrival order, and moves each sender's read cursor", async () => {
    const { conversationId, visitorActor, agentActor } = await conversation();
    const items = range(1, 50).map((i) => ({ input: text(conversationId, `m${i}`), actor: i % 2 ? visitorActor : agentActor }));
    const rows = await storeTextMessages(server.db, items);
    expect(rows.map((row) => row?.seq)).toEqual(range(1, 50));
    expect(rows.map((row) => row?.body)).toEqual(range(1, 50).map((i) => `m${i}`));
    const cursors = await server.db.readState.findMany({ where: { conversationId }, orderBy: { lastReadSeq: "asc" } });
    expect(cursors.map((cursor) => [cursor.deviceId, cursor.lastReadSeq])).toEqual([
      [visitorActor.deviceId, 49],
      [agentActor.deviceId, 50],
    ]);
  });

  it("leaves out, without a seq, what a send would refuse, and stores the rest of the batch", async () => {
    const one = await conversation();
    const other = await conversation();
    const blocked = await conversation();
    await blockVisitor(server.db, blocked.agentActor, { deviceId: blocked.visitorActor.deviceId, by: ["device"] });
    const [stored] = await storeTextMessages(server.db, [{ input: text(one.conversationId, "first"), actor: one.visitorActor }]);
    const items = [
      { input: text(one.conversationId, "a"), actor: one.visitorActor },
      { input: text(one.conversationId, "replay", stored!.clientMsgId), actor: one.visitorActor }, // already stored
      { input: text(other.conversationId, "not mine"), actor: one.visitorActor }, // not a participant
      { input: text(one.conversationId, "other agent"), actor: other.agentActor }, // not a participant
      { input: text(blocked.conversationId, "blocked"), actor: blocked.visitorActor },
      { input: text(blocked.conversationId, "agent of a blocked visitor"), actor: blocked.agentActor },
      { input: text(one.conversationId, "verified?"), actor: { ...one.visitorActor, verified: { userId: "u1", agentDeviceId: one.agent.deviceId } } },
      { input: text(one.conversationId, "b"), actor: one.agentActor },
    ];
    const rows = await storeTextMessages(server.db, items);
    expect(rows.map((row) => row?.seq ?? null)).toEqual([2, null, null, null, null, 1, null, 3]);
    await expectGapFree(server.db, one.conversationId, 3);
    await expectGapFree(server.db, other.conversationId, 0);
    await expectGapFree(server.db, blocked.conversationId, 1);
  });

  it("refuses a visitor whose request address or last-seen address (in either IPv4 spelling) its agent blocks", async () => {
    const byLastSeen = await conversation();
    const byRequest = await conversation();
    await server.db.device.update({ where: { id: byLastSeen.visitorActor.deviceId }, data: { ip: "::FFFF:203.0.113.7" } });
    await addIpBlock(server.db, byLastSeen.agent.id, "203.0.113.7");
    await addIpBlock(server.db, byRequest.agent.id, "198.51.100.9");
    const rows = await storeTextMessages(server.db, [
      { input: text(byLastSeen.conversationId, "last seen"), actor: byLastSeen.visitorActor, requestIp: "192.0.2.1" },
      { input: text(byRequest.conversationId, "request"), actor: byRequest.visitorActor, requestIp: "::ffff:198.51.100.9" },
      { input: text(byRequest.conversationId, "other address"), actor: byRequest.visitorActor, requestIp: "192.0.2.1" },
    ]);
    expect(rows.map((row) => row?.seq ?? null)).toEqual([null, null, 1]);
  });
});

describe("MessageBatcher", () => {
  it.each([
    ["through Prisma", false],
    ["as a prepared statement on its own connection", true],
  ])("keeps seqs gap-free and sends idempotent under concurrent sends and retries into one and many conversations (%s)", async (_, ownConnection) => {
    const conversations = await Promise.all(range(1, 8).map(() => conversation()));
    const batcher = new MessageBatcher(server.db, { maxBatch: 16, ...(ownConnection && { connectionString: server.config.DATABASE_URL! }) });
    onTestFinished(() => batcher.close());
    const outgoing = conversations.flatMap((c) =>
      range(1, 20).map((i) => ({ conversationId: c.conversationId, actor: i % 3 ? c.visitorActor : c.agentActor, clientMsgId: randomUUID(), body: `m${i}` })),
    );
    // Every message twice at the same moment (a retry racing its original), all conversations interleaved.
    const results = await Promise.all(outgoing.flatMap((m) => [0, 1].map(() => batcher.send(text(m.conversationId, m.body, m.clientMsgId), m.actor))));
    for (let i = 0; i < outgoing.length; i++) {
      const [first, second] = [results[2 * i]!, results[2 * i + 1]!];
      expect(second.message).toEqual(first.message);
      expect([first.isReplay, second.isReplay].sort()).toEqual([false, true]);
    }
    for (const c of conversations) {
      await expectGapFree(server.db, c.conversationId, 20);
      const acked = results.filter((r) => r.message.conversationId === c.conversationId && !r.isReplay).map((r) => r.message.seq);
      expect(acked.sort((a, b) => a - b)).toEqual(range(1, 20));
    }
    expect(batcher.stats.stored).toBe(outgoing.length);
    expect(batcher.stats.statements).toBeLessThan(outgoing.length / 4); // grouped, up to 16 a statement
    // Arrival order within one sender is kept.
    const rows = await server.db.message.findMany({ where: { conversationId: conversations[0]!.conversationId }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.body)).toEqual(range(1, 20).map((i) => `m${i}`));
    // The acks carry the rows as stored, createdAt included (read as UTC on either path).
    const stored = await server.db.message.findMany({ where: { conversationId: conversations[0]!.conversationId } });
    for (const row of stored) expect(results.find((r) => r.message.id === row.id)!.message.createdAt).toBe(row.createdAt.toISOString());
  });

  it("answers each message of a batch with its own result: one bad message fails no neighbour", async () => {
    const one = await conversation();
    const blocked = await conversation();
    await blockVisitor(server.db, blocked.agentActor, { deviceId: blocked.visitorActor.deviceId, by: ["device"] });
    const batcher = new MessageBatcher(server.db);
    const first = await batcher.send(text(one.conversationId, "first"), one.visitorActor);
    const reused = randomUUID();
    await batcher.send(text(blocked.conversationId, "before"), blocked.agentActor);
    const sends = [
      batcher.send(text(one.conversationId, "a"), one.visitorActor),
      batcher.send(text(one.conversationId, "retry", first.message.clientMsgId), one.visitorActor),
      batcher.send(text(blocked.conversationId, "blocked"), blocked.visitorActor),
      batcher.send(text("f".repeat(64), "nowhere"), one.visitorActor),
      batcher.send(text(one.conversationId, "reused here", reused), one.agentActor),
      batcher.send(text(blocked.conversationId, "reused elsewhere", reused), one.agentActor),
      batcher.send(text(one.conversationId, "b"), one.agentActor),
    ];
    expect(await Promise.all(sends.map(codeOf))).toEqual(["ok", "ok", "BLOCKED", "NOT_FOUND", "ok", "NOT_FOUND", "ok"]);
    const retry = await sends[1]!;
    expect(retry).toEqual({ message: first.message, isReplay: true });
    // The same clientMsgId in another of the sender's own conversations is a CONFLICT; its neighbour is stored.
    const second = await identifyVisitor(server.url, one.agent.deviceId);
    const conflicting = [
      batcher.send(text(second.conversationId, "same id, other conversation", first.message.clientMsgId), one.visitorActor),
      batcher.send(text(second.conversationId, "agent's", reused), one.agentActor),
      batcher.send(text(second.conversationId, "fresh"), one.agentActor),
    ];
    expect(await Promise.all(conflicting.map(codeOf))).toEqual(["NOT_FOUND", "CONFLICT", "ok"]);
    await expectGapFree(server.db, one.conversationId, 4);
    await expectGapFree(server.db, blocked.conversationId, 1);
  });

  it("stores the rest of a batch one by one when its statement fails, with no gap and nothing half-stored", async () => {
    const { conversationId, visitorActor, agentActor } = await conversation();
    // A message the database refuses, as a constraint would: the whole statement fails.
    await server.db.$executeRawUnsafe(`ALTER TABLE "Message" ADD CONSTRAINT "test_poison" CHECK ("body" <> 'poison')`);
    try {
      const batcher = new MessageBatcher(server.db, { lanes: 1 });
      const bodies = range(1, 20).map((i) => (i === 7 ? "poison" : `m${i}`));
      const outcomes = await Promise.all(bodies.map((body, i) => codeOf(batcher.send(text(conversationId, body), i % 2 ? visitorActor : agentActor))));
      expect(outcomes.filter((o) => o !== "ok")).toHaveLength(1);
      expect(outcomes[6]).not.toBe("ok");
      await expectGapFree(server.db, conversationId, 19);
      expect(await server.db.message.count({ where: { conversationId, body: "poison" } })).toBe(0);
    } finally {
      await server.db.$executeRawUnsafe(`ALTER TABLE "Message" DROP CONSTRAINT "test_poison"`);
    }
  });

  it("fails every message of a batch with a retriable UNAVAILABLE when the database is down", async () => {
    const down = createDb("postgres://postgres@127.0.0.1:1/nothing");
    const batcher = new MessageBatcher(down, { connectionString: "postgres://postgres@127.0.0.1:1/nothing" });
    try {
      const { conversationId, visitorActor } = await conversation();
      const errors = await Promise.all(range(1, 5).map((i) => batcher.send(text(conversationId, `m${i}`), visitorActor).then(() => null, (err: unknown) => err)));
      const log = createLogger("silent");
      expect(errors.map((err) => toWireError(err, log))).toEqual(range(1, 5).map(() => expect.objectContaining({ code: "UNAVAILABLE", retriable: true })));
      await expectGapFree(server.db, conversationId, 0);
    } finally {
      await batcher.close();
      await down.$disconnect();
    }
  });

  it("writes with several lanes at once, each conversation in one lane, in arrival order and gap-free", async () => {
    // Conversations until both lanes have two (the lane follows from the random conversation ID).
    const byLane: Awaited<ReturnType<typeof conversation>>[][] = [[], []];
    while (byLane.some((lane) => lane.length < 2)) {
      const c = await conversation();
      byLane[laneOf(c.conversationId, 2)]!.push(c);
    }
    const conversations = byLane.flat();
    const batcher = new MessageBatcher(server.db, { lanes: 2, maxBatch: 16, connectionString: server.config.DATABASE_URL! });
    onTestFinished(() => batcher.close());
    const sends = range(1, 40).flatMap((i) => conversations.map((c) => batcher.send(text(c.conversationId, `m${i}`), i % 2 ? c.visitorActor : c.agentActor)));
    const results = await Promise.all(sends);
    expect(batcher.stats.peakBusyLanes).toBe(2); // both lanes had a statement in flight at the same time
    expect(batcher.stats.stored).toBe(sends.length);
    for (const c of conversations) {
      await expectGapFree(server.db, c.conversationId, 40);
      const own = results.filter((r) => r.message.conversationId === c.conversationId).map((r) => [r.message.seq, r.message.body]);
      expect(own).toEqual(range(1, 40).map((i) => [i, `m${i}`])); // each conversation's messages in the order they were sent
    }
  });

  it("spreads conversations over the lanes, always the same lane for one conversation", () => {
    const ids = range(1, 2000).map((i) => conversationIdOf(newDeviceId(), `agent-${i}`));
    for (const lanes of [2, 3, 4]) {
      const counts = Array.from({ length: lanes }, () => 0);
      for (const id of ids) counts[laneOf(id, lanes)]!++;
      for (const count of counts) expect(count).toBeGreaterThan((ids.length / lanes) * 0.85);
    }
    expect(ids.every((id) => laneOf(id, 3) === laneOf(id, 3))).toBe(true);
  });

  it("keeps seqs gap-free with two processes' batchers writing the same conversations at once", async () => {
    const conversations = await Promise.all(range(1, 6).map(() => conversation()));
    const otherPool = createDb(process.env.DATABASE_URL ?? server.config.DATABASE_URL!);
    try {
      const nodes = [new MessageBatcher(server.db, { maxBatch: 8, connectionString: server.config.DATABASE_URL! }), new MessageBatcher(otherPool, { maxBatch: 8, connectionString: server.config.DATABASE_URL! })];
      onTestFinished(() => Promise.all(nodes.map((node) => node.close())).then(() => undefined));
      // Each node sees the conversations in another order, so their batches lock them in different orders.
      const sends = range(1, 30).flatMap((i) =>
        nodes.flatMap((node, n) => (n ? [...conversations].reverse() : conversations).map((c) => node.send(text(c.conversationId, `n${n} m${i}`), i % 2 ? c.visitorActor : c.agentActor))),
      );
      const results = await Promise.all(sends);
      expect(results.every((r) => !r.isReplay)).toBe(true);
      for (const c of conversations) await expectGapFree(server.db, c.conversationId, 60);
    } finally {
      await otherPool.$disconnect();
    }
  });
});

describe("MessageBatcher on the embedded PGlite", () => {
  let dataDir: string;
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  let db: Db;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "parley-pglite-batch-"));
    embedded = await startEmbeddedPostgres(dataDir);
    await applyMigrations(embedded.url);
    db = createDb(embedded.url, 10);
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("keeps seqs gap-free and retries idempotent", { timeout: 60_000 }, async () => {
    const agent = await signUpAgent(db, { identifier: { email: `${randomUUID()}@example.test` }, name: "Ada", password: "correct horse battery" });
    const conversations = [];
    for (let i = 0; i < 3; i++) {
      const visitor = await db.device.create({ data: { id: newDeviceId(), kind: "VISITOR", label: `Visitor ${i}` } });
      const conversation = await db.conversation.create({ data: { id: conversationIdOf(visitor.id, agent.deviceId), visitorDeviceId: visitor.id, agentDeviceId: agent.deviceId } });
      conversations.push({ conversationId: conversation.id, visitor: { deviceId: visitor.id } });
    }
    const agentActor: Actor = { kind: "agent", deviceId: agent.deviceId, agentId: agent.id, sessionToken: "unused" };
    const batcher = new MessageBatcher(db, { connectionString: embedded.url });
    onTestFinished(() => batcher.close());
    const outgoing = conversations.flatMap((c) =>
      range(1, 15).map((i) => ({ conversationId: c.conversationId, actor: (i % 2 ? { kind: "visitor", deviceId: c.visitor.deviceId } : agentActor) as Actor, clientMsgId: randomUUID() })),
    );
    const results = await Promise.all(outgoing.flatMap((m) => [0, 1].map(() => batcher.send(text(m.conversationId, "hi", m.clientMsgId), m.actor))));
    expect(results.filter((r) => !r.isReplay)).toHaveLength(outgoing.length);
    for (const c of conversations) await expectGapFree(db, c.conversationId, 15);
  });
});

// A node on a PostgreSQL of this file's own, which the test stops and starts again mid-conversation:
// the node stays up, says "retry" while the database is away, and a resend is stored exactly once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../src/core/db.ts";
import { applyMigrations } from "../../src/server/db/migrate.ts";
import type { MessageView } from "../../src/server/socket/contract.ts";
import { useCluster, type NodeProcess, type PostgresServer } from "./cluster.ts";
import { closeAll, connectAgent, connectVisitor, identifyVisitor, seedAgent, send, unwrap, waitFor, type TestSocket } from "./support.ts";

const cluster = useCluster();
let postgres: PostgresServer;
let db: Db;
let node: NodeProcess;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  postgres = await cluster.startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  node = await cluster.startNode({ databaseUrl: postgres.url });
}, 30_000);

afterAll(async () => {
  closeAll(...sockets);
  await db?.$disconnect();
});

describe("PostgreSQL restarted mid-conversation", () => {
  it("answers UNAVAILABLE (retriable) while it is down, and stores the resend exactly once when it is back", async () => {
    const agent = await seedAgent(db);
    const visitor = await identifyVisitor(node.url, agent.deviceId);
    const { conversationId } = visitor;
    const [visitorTab, agentTab] = await Promise.all([connectVisitor(node.url, visitor.token), connectAgent(node.url, agent.cookie)]);
    sockets.push(visitorTab, agentTab);
    unwrap(await send(visitorTab, conversationId, "before the outage"));
    expect(await node.health()).toMatchObject({ status: 200, body: { database: "up" } });

    await postgres.stop();
    const clientMsgId = randomUUID();
    expect(await send(visitorTab, conversationId, "during the outage", clientMsgId)).toEqual({
      ok: false,
      error: { code: "UNAVAILABLE", message: expect.any(String), retriable: true },
    });
    expect(await node.health()).toMatchObject({ status: 503, body: { status: "unavailable", database: "down", shuttingDown: false } });
    expect(visitorTab.connected && agentTab.connected).toBe(true); // sockets do not need the database to stay open

    await postgres.start();
    await node.healthBecomes(200);
    // The client resends with the same clientMsgId: stored once, as the next seq, and the agent gets it live.
    const [atAgent, resent] = await Promise.all([waitFor<MessageView>(agentTab, "message:sent"), send(visitorTab, conversationId, "during the outage", clientMsgId)]);
    expect(unwrap(resent).message).toMatchObject({ seq: 2, clientMsgId, body: "during the outage" });
    expect(atAgent).toEqual(unwrap(resent).message);
    // A further resend (say the ack was lost) is answered with the stored message, not a copy.
    expect(unwrap(await send(visitorTab, conversationId, "during the outage", clientMsgId)).message).toEqual(unwrap(resent).message);

    const stored = await db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" } });
    expect(stored.map((row) => [row.seq, row.body])).toEqual([
      [1, "before the outage"],
      [2, "during the outage"],
    ]);
    expect(node.isRunning).toBe(true);
    // The outage is logged as what it is (a warning that the database is unavailable), never as an unexpected error.
    expect(node.problems().map((line) => [line.level, line.msg])).toContainEqual([40, "database unavailable"]);
    expect(node.problems().filter((line) => line.level > 40)).toEqual([]);
  });
});

import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/server/db/embedded-postgres.ts";
import { applyMigrations } from "../../src/server/db/migrate.ts";
import { closeAll, connectAgent, connectVisitor, openConversation, send, startServer, unwrap, type TestSocket, type TestServer } from "./support.ts";

// The default install: no DATABASE_URL, PGlite in DATA_DIR served on a loopback port. A first start on
// an empty data directory takes about 10 s.
const FIRST_START_MS = 60_000;
// PGlite runs every statement of every connection one at a time; 60 racing sends queue behind each
// other, so on a loaded machine the last acks take longer than the usual 2 s deadline.
const PGLITE_ACK_MS = 15_000;

let dataDir: string;
let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
let server: TestServer | undefined;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "parley-pglite-"));
  embedded = await startEmbeddedPostgres(dataDir);
  await applyMigrations(embedded.url);
  server = await startServer({ DATABASE_URL: embedded.url, DATA_DIR: dataDir });
}, FIRST_START_MS);

afterAll(async () => {
  closeAll(...sockets);
  await server?.close();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, FIRST_START_MS);

describe("the embedded PGlite database", () => {
  it("gives 30 concurrent sends from several sockets, and concurrent retries of them, gap-free seqs and no duplicate", { timeout: 60_000 }, async () => {
    const { agent, visitor, conversationId } = await openConversation(server!);
    const tabs = await Promise.all([
      connectVisitor(server!.url, visitor.token),
      connectVisitor(server!.url, visitor.token),
      connectVisitor(server!.url, visitor.token),
      connectAgent(server!.url, agent.cookie),
      connectAgent(server!.url, agent.cookie),
    ]);
    sockets.push(...tabs);
    const visitorTabs = tabs.slice(0, 3);
    const agentTabs = tabs.slice(3);

    // 30 messages, each sent at once from one tab and retried at the same moment from another tab of the same sender.
    const outgoing = Array.from({ length: 30 }, (_, i) => {
      const sideTabs = i % 2 === 0 ? visitorTabs : agentTabs;
      return { clientMsgId: randomUUID(), body: `message ${i}`, tab: sideTabs[i % sideTabs.length], retryTab: sideTabs[(i + 1) % sideTabs.length] };
    });
    const acks = await Promise.all(
      outgoing.flatMap(({ clientMsgId, body, tab, retryTab }) => [send(tab, conversationId, body, clientMsgId, PGLITE_ACK_MS), send(retryTab, conversationId, body, clientMsgId, PGLITE_ACK_MS)]),
    );

    const acked = acks.map((ack) => unwrap(ack).message);
    for (let i = 0; i < outgoing.length; i++) {
      const [original, retry] = [acked[2 * i], acked[2 * i + 1]];
      expect(retry).toEqual(original); // the retry answers with the stored message, whichever of the two won
      expect(original.clientMsgId).toBe(outgoing[i].clientMsgId);
    }
    const seqs = acked.filter((_, i) => i % 2 === 0).map((message) => message.seq);
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

    const rows = await server!.db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(rows.map((row) => row.clientMsgId)).size).toBe(30);
    expect(await server!.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ lastSeq: 30 });
  });

  it("answers the health check with the database up", async () => {
    const response = await fetch(new URL("/api/health", server!.url));
    expect(await response.json()).toMatchObject({ status: "ok", database: "up" });
  });
});

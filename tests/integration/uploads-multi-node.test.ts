// Two nodes on one Redis and one uploads directory (as compose mounts one volume on every node): a file
// uploaded through one node is served by the other, and a device's upload allowance is counted in Redis,
// so a client the balancer moves gets no fresh one. Redis going away leaves each node counting alone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createDb, type Db } from "../../src/core/db.ts";
import { createLimits } from "../../src/server/limits/limits.ts";
import { createLogger } from "../../src/server/log.ts";
import { connectRedis } from "../../src/server/redis/redis-link.ts";
import { useCluster, type NodeProcess, type RedisServer } from "./cluster.ts";
import { identifyVisitor, seedAgent, TEST_SECRET } from "./support.ts";
import { filesIn, images, pdf, upload, uploaded } from "./uploads-support.ts";

const cluster = useCluster();
const uploadsDir = mkdtempSync(join(tmpdir(), "parley-shared-uploads-"));
let db: Db;
let redis: RedisServer;
let nodeA: NodeProcess;
let nodeB: NodeProcess;

beforeAll(async () => {
  const [started, databaseUrl] = await Promise.all([cluster.startRedis(), cluster.testDatabase()]);
  redis = started;
  db = createDb(databaseUrl);
  const env = { UPLOADS_DIR: uploadsDir, UPLOADS_PER_MINUTE: "3" };
  [nodeA, nodeB] = await Promise.all([0, 1].map(() => cluster.startNode({ databaseUrl, redisUrl: redis.url, env })));
}, 30_000);

afterAll(async () => {
  await db?.$disconnect();
  rmSync(uploadsDir, { recursive: true, force: true });
});

describe("uploads on several nodes", () => {
  it("serves a file uploaded through one node from the other", async () => {
    const agent = await seedAgent(db);
    const visitor = await identifyVisitor(nodeA.url, agent.deviceId);
    const bytes = await images.png(900, 600);
    const view = uploaded(await upload(nodeA.url, { token: visitor.token }, visitor.conversationId, { bytes, name: "shot.png" }));
    expect(filesIn(uploadsDir)).toEqual(expect.arrayContaining([`${view.id}.png`, `${view.id}.thumb.webp`]));
    const original = await fetch(new URL(view.url, nodeB.url));
    expect(original.status).toBe(200);
    expect(Buffer.from(await original.arrayBuffer())).toEqual(bytes);
    expect((await fetch(new URL(view.thumbnailUrl!, nodeB.url))).headers.get("content-type")).toBe("image/webp");
  });

  it("counts a device's uploads across nodes", async () => {
    const agent = await seedAgent(db);
    const visitor = await identifyVisitor(nodeA.url, agent.deviceId);
    const put = (node: NodeProcess) => upload(node.url, { token: visitor.token }, visitor.conversationId, { bytes: pdf(), name: "a.pdf" });
    uploaded(await put(nodeA));
    uploaded(await put(nodeB));
    uploaded(await put(nodeA));
    const refused = await put(nodeB);
    expect(refused.status).toBe(429);
    expect(refused.reply).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
  });
});

describe("the upload limiter without Redis", () => {
  it("counts on each node alone while Redis is unreachable, instead of refusing every upload", async () => {
    const spare = await cluster.startRedis();
    const link = await connectRedis(spare.url, createLogger("silent"));
    try {
      const limits = createLimits({ ...loadConfig({ AUTH_SECRET: TEST_SECRET }), UPLOADS_PER_MINUTE: 2 }, link.client);
      expect(await limits.consume("uploads", "device-1")).toBe(0);
      await spare.stop();
      // Counted in memory from now on: this node allows its own two, then refuses.
      expect(await limits.consume("uploads", "device-2")).toBe(0);
      expect(await limits.consume("uploads", "device-2")).toBe(0);
      expect(await limits.consume("uploads", "device-2")).toBeGreaterThan(0);
    } finally {
      await link.close();
    }
  });
});

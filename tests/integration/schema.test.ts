import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffDatabaseToSchema } from "../../scripts/schema-engine.ts";
import { createDb, type Db } from "../../src/core/db.ts";
import { createTestDatabase } from "./support.ts";

const deviceId = () => randomBytes(16).toString("hex");
// Whole milliseconds: the columns are TIMESTAMP(3), and every value should read back exactly as written.
const at = (iso: string) => new Date(iso);

describe("the migrated database", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("matches prisma/schema.prisma exactly (the schema engine finds nothing to change)", async () => {
    expect(await diffDatabaseToSchema(database.url)).toBe("");
  });

  it("stores and returns every field of every model through the Prisma client", async () => {
    const visitor = { id: deviceId(), kind: "VISITOR" as const, label: "Calm Otter 42", createdAt: at("2026-01-02T03:04:05.006Z"), lastSeenAt: at("2026-01-02T03:05:00.000Z"), userAgent: "Mozilla/5.0", ip: "203.0.113.7", referrer: "https://shop.example/cart", currentPage: "https://shop.example/checkout", timezone: "Asia/Shanghai", locale: "zh-CN", name: "Lin 林", email: "lin@example.test", attributes: { plan: "pro", seats: 3, trial: false }, externalUserId: null, identityAgentId: null };
    const agentDevice = { id: deviceId(), kind: "AGENT" as const, label: "Ada", createdAt: at("2026-01-01T00:00:00.000Z"), lastSeenAt: at("2026-01-01T00:00:01.000Z"), userAgent: null, ip: null, referrer: null, currentPage: null, timezone: null, locale: null, name: null, email: null, attributes: {}, externalUserId: null, identityAgentId: null };
    const agent = { id: randomUUID(), email: "ada@example.test", phone: "+4915112345678", name: "Ada", passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", createdAt: at("2026-01-01T00:00:02.000Z"), deviceId: agentDevice.id, allowedOrigins: ["https://shop.example"], identitySecret: "5".repeat(64), username: "ada", avatarKey: "avatars/a.webp", widgetColor: "#0f766e", widgetGreeting: "Hi!", widgetPosition: "LEFT" as const, offlineMessage: "Back at 9", preChatForm: true };
    const session = { id: randomUUID(), sessionToken: randomBytes(32).toString("base64url"), agentId: agent.id, expires: at("2026-02-01T00:00:00.000Z"), createdAt: at("2026-01-01T00:00:03.000Z") };
    const conversation = { id: visitor.id + agentDevice.id, visitorDeviceId: visitor.id, agentDeviceId: agentDevice.id, status: "RESOLVED" as const, lastSeq: 1, lastMessageAt: at("2026-01-02T03:06:00.000Z"), createdAt: at("2026-01-02T03:04:06.000Z") };
    const message = { id: randomUUID(), conversationId: conversation.id, seq: 1, senderDeviceId: visitor.id, clientMsgId: randomUUID(), type: "TEXT" as const, body: "Grüße 👋 — \"quotes\" and 'apostrophes'", createdAt: at("2026-01-02T03:06:00.000Z") };
    const upload = { id: randomUUID(), conversationId: conversation.id, uploaderDeviceId: visitor.id, storageKey: "k.png", thumbnailKey: "k.thumb.webp", mime: "image/png", size: 123_456, name: "Grüße.png", kind: "IMAGE" as const, width: 1200, height: 800, createdAt: at("2026-01-02T03:06:30.000Z") };
    const imageMessage = { id: randomUUID(), conversationId: conversation.id, seq: 2, senderDeviceId: visitor.id, clientMsgId: randomUUID(), type: "IMAGE" as const, body: "", uploadId: upload.id, createdAt: at("2026-01-02T03:06:31.000Z") };
    const block = { id: randomUUID(), agentId: agent.id, kind: "IP" as const, value: "203.0.113.7", deviceId: visitor.id, createdAt: at("2026-01-02T03:08:00.000Z") };
    const cannedReply = { id: randomUUID(), agentId: agent.id, shortcut: "ship", body: "Ships in 24 h", createdAt: at("2026-01-02T03:09:00.000Z"), updatedAt: at("2026-01-02T03:09:00.000Z") };
    const readState = { conversationId: conversation.id, deviceId: agentDevice.id, lastReadSeq: 1, updatedAt: at("2026-01-02T03:07:00.000Z") };

    await db.device.create({ data: visitor });
    await db.device.create({ data: agentDevice });
    await db.agent.create({ data: agent });
    await db.session.create({ data: session });
    await db.conversation.create({ data: conversation });
    await db.message.create({ data: message });
    await db.upload.create({ data: upload });
    await db.message.create({ data: imageMessage });
    await db.readState.create({ data: readState });
    await db.block.create({ data: block });
    await db.cannedReply.create({ data: cannedReply });

    expect(await db.device.findUniqueOrThrow({ where: { id: visitor.id } })).toEqual(visitor);
    expect(await db.device.findUniqueOrThrow({ where: { id: agentDevice.id } })).toEqual(agentDevice);
    expect(await db.agent.findUniqueOrThrow({ where: { id: agent.id } })).toEqual(agent);
    expect(await db.session.findUniqueOrThrow({ where: { sessionToken: session.sessionToken } })).toEqual(session);
    expect(await db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).toEqual(conversation);
    expect(await db.message.findUniqueOrThrow({ where: { id: message.id } })).toEqual({ ...message, uploadId: null });
    expect(await db.upload.findUniqueOrThrow({ where: { id: upload.id } })).toEqual(upload);
    expect(await db.message.findUniqueOrThrow({ where: { id: imageMessage.id }, include: { upload: true } })).toEqual({ ...imageMessage, upload });
    expect(await db.block.findUniqueOrThrow({ where: { id: block.id } })).toEqual(block);
    expect(await db.cannedReply.findUniqueOrThrow({ where: { id: cannedReply.id } })).toEqual(cannedReply);
    expect(await db.readState.findUniqueOrThrow({ where: { conversationId_deviceId: { conversationId: conversation.id, deviceId: agentDevice.id } } })).toEqual(readState);
    // The relations are wired both ways.
    const withRelations = await db.conversation.findUniqueOrThrow({
      where: { id: conversation.id },
      include: { visitor: true, agent: { include: { agent: { include: { sessions: true } } } }, messages: true, readStates: true },
    });
    expect(withRelations.agent.agent?.sessions).toEqual([session]);
    expect(withRelations.messages).toEqual([{ ...message, uploadId: null }, imageMessage]);
    expect(withRelations.visitor).toEqual(visitor);
  });

  it("applies the schema's defaults", async () => {
    const id = deviceId();
    const device = await db.device.create({ data: { id, kind: "VISITOR", label: "x" } });
    expect(device).toMatchObject({ userAgent: null, ip: null, referrer: null, createdAt: expect.any(Date), lastSeenAt: expect.any(Date) });
    const agentDevice = await db.device.create({ data: { id: deviceId(), kind: "AGENT", label: "y" } });
    const conversation = await db.conversation.create({ data: { id: id + agentDevice.id, visitorDeviceId: id, agentDeviceId: agentDevice.id } });
    expect(conversation).toMatchObject({ status: "OPEN", lastSeq: 0 });
  });

  it("enforces the unique keys that make sending idempotent and seqs unique", async () => {
    const [visitor, agentDevice] = [deviceId(), deviceId()];
    await db.device.createMany({ data: [{ id: visitor, kind: "VISITOR", label: "v" }, { id: agentDevice, kind: "AGENT", label: "a" }] });
    const conversationId = visitor + agentDevice;
    await db.conversation.create({ data: { id: conversationId, visitorDeviceId: visitor, agentDeviceId: agentDevice } });
    const clientMsgId = randomUUID();
    await db.message.create({ data: { id: randomUUID(), conversationId, seq: 1, senderDeviceId: visitor, clientMsgId, body: "a" } });
    await expect(db.message.create({ data: { id: randomUUID(), conversationId, seq: 2, senderDeviceId: visitor, clientMsgId, body: "b" } })).rejects.toMatchObject({ code: "P2002" });
    await expect(db.message.create({ data: { id: randomUUID(), conversationId, seq: 1, senderDeviceId: visitor, clientMsgId: randomUUID(), body: "c" } })).rejects.toMatchObject({ code: "P2002" });
  });

  it("lets an upload belong to one message at most", async () => {
    const [visitor, agentDevice] = [deviceId(), deviceId()];
    await db.device.createMany({ data: [{ id: visitor, kind: "VISITOR", label: "v" }, { id: agentDevice, kind: "AGENT", label: "a" }] });
    const conversationId = visitor + agentDevice;
    await db.conversation.create({ data: { id: conversationId, visitorDeviceId: visitor, agentDeviceId: agentDevice } });
    const upload = await db.upload.create({ data: { id: randomUUID(), conversationId, uploaderDeviceId: visitor, storageKey: `${randomUUID()}.pdf`, mime: "application/pdf", size: 1, name: "a.pdf", kind: "FILE" } });
    await db.message.create({ data: { id: randomUUID(), conversationId, seq: 1, senderDeviceId: visitor, clientMsgId: randomUUID(), type: "FILE", body: "", uploadId: upload.id } });
    await expect(db.message.create({ data: { id: randomUUID(), conversationId, seq: 2, senderDeviceId: visitor, clientMsgId: randomUUID(), type: "FILE", body: "", uploadId: upload.id } })).rejects.toMatchObject({ code: "P2002" });
  });
});

describe("a database that drifted from the schema", () => {
  it("is reported by the same check, so the check above can fail", async () => {
    const database = await createTestDatabase();
    const db = createDb(database.url);
    try {
      await db.$executeRawUnsafe(`ALTER TABLE "Device" DROP COLUMN "referrer"`);
      expect(await diffDatabaseToSchema(database.url)).toMatch(/referrer/);
    } finally {
      await db.$disconnect();
      await database.drop();
    }
  });
});

import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MAX_CANNED_REPLIES } from "../../src/core/canned/canned-reply.ts";
import type { AckResult, CannedReply } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectAgent, connectVisitor, emitAny, openConversation, seedAgent, unwrap, useServer, type TestSocket } from "./support.ts";

const { server, track } = useServer();

async function agentSocket() {
  const agent = await seedAgent(server.db);
  const socket = await connectAgent(server.url, agent.cookie);
  track(socket);
  return { agent, socket };
}

const list = (socket: TestSocket) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("canned:list", {}) as Promise<AckResult<{ replies: CannedReply[] }>>;
const save = (socket: TestSocket, input: { id?: string; shortcut: string; body: string }) =>
  socket.timeout(ACK_TIMEOUT_MS).emitWithAck("canned:save", input) as Promise<AckResult<{ reply: CannedReply }>>;
const remove = (socket: TestSocket, id: string) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("canned:delete", { id }) as Promise<AckResult<{ id: string }>>;
const codeOf = (result: AckResult<unknown>) => (result.ok ? "OK" : result.error.code);

describe("canned replies: saving and listing", () => {
  it("saves a reply and lists the agent's replies by shortcut", async () => {
    const { socket } = await agentSocket();
    expect(unwrap(await list(socket)).replies).toEqual([]);
    const refund = unwrap(await save(socket, { shortcut: "refund", body: "  Your refund is on its way.  " })).reply;
    const hello = unwrap(await save(socket, { shortcut: "Hello", body: "Hi! How can I help?" })).reply;
    expect(refund).toEqual({ id: expect.any(String), shortcut: "refund", body: "Your refund is on its way." }); // trimmed
    expect(hello.shortcut).toBe("hello"); // shortcuts are lowercase
    expect(unwrap(await list(socket)).replies).toEqual([hello, refund]);
  });

  it("changes a reply by id, keeping its id", async () => {
    const { socket } = await agentSocket();
    const { reply } = unwrap(await save(socket, { shortcut: "ship", body: "Ships tomorrow." }));
    const changed = unwrap(await save(socket, { id: reply.id, shortcut: "shipping", body: "Ships in two days." })).reply;
    expect(changed).toEqual({ id: reply.id, shortcut: "shipping", body: "Ships in two days." });
    expect(unwrap(await list(socket)).replies).toEqual([changed]);
  });

  it("refuses a shortcut the agent already uses with CONFLICT, on create and on edit", async () => {
    const { socket } = await agentSocket();
    unwrap(await save(socket, { shortcut: "hi", body: "Hello" }));
    const other = unwrap(await save(socket, { shortcut: "bye", body: "Goodbye" })).reply;
    expect(codeOf(await save(socket, { shortcut: "HI", body: "Hello again" }))).toBe("CONFLICT");
    expect(codeOf(await save(socket, { id: other.id, shortcut: "hi", body: "Goodbye" }))).toBe("CONFLICT");
    expect(unwrap(await list(socket)).replies.map((r) => r.shortcut)).toEqual(["bye", "hi"]);
  });

  it("lets two agents use the same shortcut, and keeps their replies apart", async () => {
    const ada = await agentSocket();
    const bob = await agentSocket();
    const adas = unwrap(await save(ada.socket, { shortcut: "hi", body: "Ada says hi" })).reply;
    unwrap(await save(bob.socket, { shortcut: "hi", body: "Bob says hi" }));
    expect(unwrap(await list(bob.socket)).replies.map((r) => r.body)).toEqual(["Bob says hi"]);
    // Another agent's reply is as missing as an unknown one, for editing and for deleting.
    expect(codeOf(await save(bob.socket, { id: adas.id, shortcut: "hi", body: "taken over" }))).toBe("NOT_FOUND");
    expect(codeOf(await remove(bob.socket, adas.id))).toBe("NOT_FOUND");
    expect(unwrap(await list(ada.socket)).replies).toEqual([adas]);
  });

  it.each([
    ["an empty shortcut", { shortcut: "", body: "x" }],
    ["a shortcut with a space", { shortcut: "two words", body: "x" }],
    ["a shortcut with a slash", { shortcut: "/hi", body: "x" }],
    ["a shortcut of 33 characters", { shortcut: "a".repeat(33), body: "x" }],
    ["a blank body", { shortcut: "blank", body: "   " }],
    ["a body of 4,001 characters", { shortcut: "long", body: "a".repeat(4001) }],
    ["2,001 emoji (4,002 UTF-16 units)", { shortcut: "emoji", body: "😀".repeat(2001) }],
  ])("refuses %s with BAD_INPUT and stores nothing", async (_name, input) => {
    const { socket } = await agentSocket();
    expect(codeOf((await emitAny(socket, "canned:save", input)) as AckResult<unknown>)).toBe("BAD_INPUT");
    expect(unwrap(await list(socket)).replies).toEqual([]);
  });

  it("ignores unknown fields, as every request does: another agent's ID changes nothing", async () => {
    const { agent, socket } = await agentSocket();
    const other = await seedAgent(server.db);
    const result = (await emitAny(socket, "canned:save", { shortcut: "mine", body: "x", agentId: other.id })) as AckResult<{ reply: CannedReply }>;
    expect(unwrap(result).reply.shortcut).toBe("mine");
    expect(await server.db.cannedReply.findMany({ where: { shortcut: "mine" }, select: { agentId: true } })).toEqual([{ agentId: agent.id }]);
  });

  it("accepts a body of exactly 4,000 characters", async () => {
    const { socket } = await agentSocket();
    expect(unwrap(await save(socket, { shortcut: "long", body: "b".repeat(4000) })).reply.body).toHaveLength(4000);
  });

  it(`keeps at most ${MAX_CANNED_REPLIES} replies per agent`, async () => {
    const { agent, socket } = await agentSocket();
    await server.db.cannedReply.createMany({ data: Array.from({ length: MAX_CANNED_REPLIES }, (_, i) => ({ agentId: agent.id, shortcut: `r${i}`, body: `reply ${i}` })) });
    expect(codeOf(await save(socket, { shortcut: "onemore", body: "x" }))).toBe("CONFLICT");
    expect(unwrap(await list(socket)).replies).toHaveLength(MAX_CANNED_REPLIES);
    // Editing one is still allowed at the cap.
    const first = unwrap(await list(socket)).replies[0]!;
    expect(unwrap(await save(socket, { id: first.id, shortcut: first.shortcut, body: "edited" })).reply.body).toBe("edited");
  });
});

describe("canned replies: deleting", () => {
  it("deletes a reply, and a second delete is NOT_FOUND", async () => {
    const { socket } = await agentSocket();
    const { reply } = unwrap(await save(socket, { shortcut: "gone", body: "Soon gone" }));
    expect(unwrap(await remove(socket, reply.id))).toEqual({ id: reply.id });
    expect(unwrap(await list(socket)).replies).toEqual([]);
    expect(codeOf(await remove(socket, reply.id))).toBe("NOT_FOUND");
    expect(codeOf(await remove(socket, randomUUID()))).toBe("NOT_FOUND");
  });

  it("refuses a malformed id with BAD_INPUT", async () => {
    const { socket } = await agentSocket();
    expect(codeOf(await remove(socket, "not-a-uuid"))).toBe("BAD_INPUT");
  });
});

describe("canned replies: visitors", () => {
  it("refuses every canned event from a visitor with FORBIDDEN", async () => {
    const { visitor } = await openConversation(server);
    const socket = await connectVisitor(server.url, visitor.token);
    track(socket);
    const before = await server.db.cannedReply.count();
    expect(codeOf(await list(socket))).toBe("FORBIDDEN");
    expect(codeOf(await save(socket, { shortcut: "hi", body: "x" }))).toBe("FORBIDDEN");
    expect(codeOf(await remove(socket, randomUUID()))).toBe("FORBIDDEN");
    expect(await server.db.cannedReply.count()).toBe(before);
  });
});

import { randomUUID } from "node:crypto";
import type { Socket } from "socket.io-client";
import { beforeAll, describe, expect, it } from "vitest";
import type { MessageView } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectAgent, connectVisitor, openConversation, send, unwrap, useServer, waitFor, type TestSocket } from "./support.ts";

const { server, track } = useServer();
let conversationId: string;
let visitorTab: TestSocket;
let agentTab: TestSocket;
let raw: Socket; // the same visitor socket, untyped, so it can say what no typed client would

beforeAll(async () => {
  const opened = await openConversation(server);
  conversationId = opened.conversationId;
  [visitorTab, agentTab] = await Promise.all([connectVisitor(server.url, opened.visitor.token), connectAgent(server.url, opened.agent.cookie)]);
  track(visitorTab, agentTab);
  raw = visitorTab as unknown as Socket;
});

const storedBodies = async () => (await server.db.message.findMany({ where: { conversationId }, orderBy: { seq: "asc" } })).map((message) => message.body);
const ask = (event: string, payload: unknown) => raw.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
const badInput = { ok: false, error: { code: "BAD_INPUT", message: expect.any(String) } };

describe("malformed payloads", () => {
  const valid = () => ({ conversationId, clientMsgId: randomUUID(), body: "hello" });
  const cases: Record<string, [string, () => unknown]> = {
    "a body that is not a string": ["message:send", () => ({ ...valid(), body: 42 })],
    "a missing body": ["message:send", () => ({ conversationId, clientMsgId: randomUUID() })],
    "a body of only spaces": ["message:send", () => ({ ...valid(), body: "   " })],
    "a body over 4000 characters": ["message:send", () => ({ ...valid(), body: "x".repeat(4001) })],
    "a clientMsgId that is not a UUID": ["message:send", () => ({ ...valid(), clientMsgId: "msg-1" })],
    "a conversationId of the wrong shape": ["message:send", () => ({ ...valid(), conversationId: "../../etc/passwd" })],
    "no payload at all": ["message:send", () => null],
    "a string instead of an object": ["message:send", () => "hello"],
    "a negative afterSeq": ["message:sync", () => ({ conversationId, afterSeq: -1 })],
    "an afterSeq given as a string": ["message:sync", () => ({ conversationId, afterSeq: "0" })],
    "a sync page over the maximum": ["message:sync", () => ({ conversationId, afterSeq: 0, limit: 100_000 })],
    "an afterSeq beyond any seq (a 32-bit column)": ["message:sync", () => ({ conversationId, afterSeq: 2 ** 31 })],
    "a fractional read seq": ["conversation:mark-read", () => ({ conversationId, seq: 1.5 })],
    "a read seq that is missing": ["conversation:mark-read", () => ({ conversationId })],
    "a list limit of zero": ["conversation:list", () => ({ limit: 0 })],
    "a get without conversationId": ["conversation:get", () => ({})],
  };

  for (const [name, [event, payload]] of Object.entries(cases)) {
    it(`answers ${event} with ${name} with BAD_INPUT`, async () => {
      expect(await ask(event, payload())).toEqual(badInput);
    });
  }

  it("stores nothing for any of them, and a valid send right after gets seq 1", async () => {
    for (const [event, payload] of Object.values(cases)) await ask(event, payload());
    const { message } = unwrap(await send(visitorTab, conversationId, "still here?"));
    expect(message.seq).toBe(1);
    expect(await storedBodies()).toEqual(["still here?"]);
  });

  it("ignores a send without an ack callback, storing nothing, and keeps serving", async () => {
    const before = await storedBodies();
    const nextAtAgent = waitFor<MessageView>(agentTab, "message:sent", (message) => message.seq > before.length); // not one from an earlier test
    raw.emit("message:send", { conversationId, clientMsgId: randomUUID(), body: "no ack wanted" });
    const { message } = unwrap(await send(visitorTab, conversationId, "with an ack"));
    expect((await nextAtAgent).id).toBe(message.id); // the ack-less send was never broadcast either
    expect(await storedBodies()).toEqual([...before, "with an ack"]);
  });

  it("ignores an unknown event, with or without an ack callback, and keeps serving", async () => {
    const answers: unknown[] = [];
    raw.emit("admin:drop-tables", { all: true });
    raw.emit("admin:drop-tables", { all: true }, (answer: unknown) => answers.push(answer));
    unwrap(await send(visitorTab, conversationId, "after the unknown event"));
    // The server read both emits before the send; an answer to either would have been sent no later than the send's ack.
    expect(answers).toEqual([]);
  });

  it("drops a socket that sends a frame over 64 KiB without harming the others", async () => {
    const { visitor } = await openConversation(server);
    const flooder = await connectVisitor(server.url, visitor.token);
    track(flooder);
    const dropped = waitFor<string>(flooder, "disconnect");
    (flooder as unknown as Socket).emit("message:send", { conversationId: visitor.conversationId, clientMsgId: randomUUID(), body: "x".repeat(100_000) }, () => undefined);
    expect(await dropped).toBe("transport close");
    expect(unwrap(await send(visitorTab, conversationId, "unaffected")).message.body).toBe("unaffected");
    expect(await server.db.message.count({ where: { conversationId: visitor.conversationId } })).toBe(0);
  });
});

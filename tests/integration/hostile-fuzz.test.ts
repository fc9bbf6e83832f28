// Property-based fuzzing of everything a client can send: the payload of every socket event the server
// listens to, raw Socket.IO frames no library would write, and the two HTTP routes that take a body.
// Each socket event has a model that says, from the payload alone and the few rows this file made, what
// the answer must be; events without a model (added later) still get the generic properties. The server
// runs in this process, so prototype pollution anywhere in it would show up here too.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/core/errors.ts";
import type { MessageView, UploadView } from "../../src/server/socket/contract.ts";
import { SOCKET_HANDLERS } from "../../src/server/socket/event-handlers.ts";
import {
  ACK_TIMEOUT_MS,
  connectAgent,
  connectVisitor,
  emitAny,
  expectStillServing,
  identifyVisitor,
  openConversation,
  rawEmit,
  rawHttp,
  seedAgent,
  send,
  unwrap,
  untyped,
  useServer,
  waitFor,
  type SeededAgent,
  type TestSocket,
} from "./support.ts";
import { filesIn, images, upload, uploaded } from "./uploads-support.ts";

// The limits answer floods with RATE_LIMITED; they have their own tests, and here they would only hide the answers under test.
const { server, track } = useServer({ MESSAGES_RATE_LIMIT: null, VISITORS_RATE_LIMIT: null, UPLOADS_PER_MINUTE: 1_000_000 });
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

// --- The cast -------------------------------------------------------------------------------------------------
let agent: SeededAgent;
let settingsAgent: SeededAgent; // its settings may be rewritten by the fuzz; nobody else uses this agent
let fuzzer: { deviceId: string; token: string; conversationId: string }; // C: the only conversation the fuzzing visitor has
let victimConversationId: string;
let fuzzTab: TestSocket; // every payload goes through this one socket, which must survive all of them
let fuzzOtherTab: TestSocket; // the same visitor's second tab: hears the fuzzer's stored messages
let agentTab: TestSocket;
let settingsTab: TestSocket;
let ownUpload: UploadView; // the fuzzer's, in C, attachable once
let victimUpload: UploadView;

/** What the fuzzer has stored in C, by lower-case clientMsgId, and the message its upload went into. */
const stored = new Map<string, MessageView>();
let uploadAttachedTo: string | undefined;
const counts = async () => ({ messages: await server.db.message.count(), conversations: await server.db.conversation.count(), devices: await server.db.device.count(), uploads: await server.db.upload.count() });
let countsBefore: Awaited<ReturnType<typeof counts>>;

beforeAll(async () => {
  const opened = await openConversation(server);
  agent = opened.agent;
  fuzzer = { deviceId: opened.visitor.visitor.deviceId, token: opened.visitor.token, conversationId: opened.conversationId };
  const victim = await identifyVisitor(server.url, agent.deviceId);
  victimConversationId = victim.conversationId;
  settingsAgent = await seedAgent(server.db, "Settings");
  const victimTab = await connectVisitor(server.url, victim.token);
  [fuzzTab, fuzzOtherTab, agentTab, settingsTab] = await Promise.all([
    connectVisitor(server.url, fuzzer.token),
    connectVisitor(server.url, fuzzer.token),
    connectAgent(server.url, agent.cookie),
    connectAgent(server.url, settingsAgent.cookie),
  ]);
  track(victimTab, fuzzTab, fuzzOtherTab, agentTab, settingsTab);
  unwrap(await send(victimTab, victimConversationId, "the victim's only message"));
  const png = async () => ({ bytes: await images.png(), name: "p.png", type: "image/png" });
  ownUpload = uploaded(await upload(server.url, { token: fuzzer.token }, fuzzer.conversationId, await png()));
  victimUpload = uploaded(await upload(server.url, { token: victim.token }, victimConversationId, await png()));
  countsBefore = await counts();
});

afterAll(() => {
  // The server shares this process: a polluted prototype anywhere in it shows here.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

// --- What the server may answer -------------------------------------------------------------------------------
type Ack = { ok: true; data: Record<string, unknown> } | { ok: false; error: { code: string; message: string; retriable?: boolean; retryAfterMs?: number } };

/** Exactly `{ ok: true, data }` or `{ ok: false, error: { code, message, retriable?, retryAfterMs? } }`, with a documented code. */
function expectWellFormed(answer: unknown): asserts answer is Ack {
  expect(answer).toBeTypeOf("object");
  const ack = answer as Record<string, unknown>;
  if (ack.ok === true) {
    expect(Object.keys(ack).sort()).toEqual(["data", "ok"]);
    expect(ack.data).toBeTypeOf("object");
    return;
  }
  expect(Object.keys(ack).sort()).toEqual(["error", "ok"]);
  expect(ack.ok).toBe(false);
  const error = ack.error as Record<string, unknown>;
  expect(ERROR_CODES).toContain(error.code);
  expect(error.code).not.toBe("INTERNAL"); // an input that crashes a handler is a bug, whatever the input
  expect(error.message).toBeTypeOf("string");
  expect(Object.keys(error).filter((key) => !["code", "message", "retriable", "retryAfterMs"].includes(key))).toEqual([]);
  if ("retriable" in error) expect(["UNAVAILABLE", "RATE_LIMITED"]).toContain(error.code);
}

const failure = (code: string, message?: string) => ({ ok: false, error: { code, message: message ?? expect.any(String) } });

// --- The shapes of valid input (docs/protocol.md §2, §7, §16), written out here rather than taken from the server's schemas
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isInt = (value: unknown, min: number, max: number) => typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max;
const MAX_SEQ = 2_147_483_647;
const isConversationId = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
// Any version 1–8 with the RFC 9562 variant, in either case; nil and max as the server knows them (max in lower case only).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === "string" && (UUID.test(value) || value === "00000000-0000-0000-0000-000000000000" || value === "ffffffff-ffff-ffff-ffff-ffffffffffff");
/**
 * What the payload is once it has crossed the wire: JSON. socket.io sends a typed array as binary, which the
 * server refuses as a payload (BAD_INPUT), so it stands for no object at all; nested, it reads like its JSON.
 */
const BINARY = Symbol("binary payload");
const overTheWire = (payload: unknown): unknown => (ArrayBuffer.isView(payload) || payload instanceof ArrayBuffer ? BINARY : (JSON.parse(JSON.stringify([payload])) as unknown[])[0]);
/** Lone surrogates cannot be stored as UTF-8: PostgreSQL gets U+FFFD in their place. */
const asStored = (text: string) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");

// --- Arbitraries ----------------------------------------------------------------------------------------------
const hex = (length: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: length, maxLength: length });
const edgeCharacters = ["\u0000", "\uD800", "\uDFFF", "\uDBFF\uDFFF", "\u202E", "\u202D", "\u2066", "\u200F", "\u200E", "\u200B", "\uFEFF", "\u00A0", "\u0085", "\u2028", "\u2029", "\u3000", "\uFFFE", "\uFFFF", "\u{10FFFF}", "\u{1F600}", "e\u0301", "\r\n", "\t", "<", "&amp;", "\\", '"'];
const unicodeText = fc.array(fc.oneof(fc.constantFrom(...edgeCharacters), fc.string({ unit: "binary", maxLength: 6 }), fc.string({ maxLength: 8 })), { maxLength: 24 }).map((parts) => parts.join(""));
// Up to ~58 KB of UTF-8, so the whole packet stays under the 64 KiB limit (see the last test for one over it).
const hugeString = fc.tuple(fc.constantFrom<[string, number]>(["x", 1], [" ", 1], ["\u00e9", 2], ["\u{1F600}", 4], ["\u0000", 6]), fc.integer({ min: 4_001, max: 58_000 })).map(([[unit, bytes], size]) => unit.repeat(Math.floor(size / bytes)));
const nested = (depth: number, kind: "object" | "array") => {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = kind === "object" ? { a: value } : [value];
  return value;
};
const deep = fc.tuple(fc.constantFrom(10, 100, 1000), fc.constantFrom<"object" | "array">("object", "array")).map(([depth, kind]) => nested(depth, kind));
const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "isPrototypeOf", "then", "toJSON", "length"];
const hostileValue = fc.oneof(fc.constant({ polluted: 1 }), fc.constant({ prototype: { polluted: 1 } }), fc.constant({ __proto__: null, polluted: 1 }), fc.constantFrom("polluted", "__proto__", "constructor", "prototype"), fc.jsonValue({ maxDepth: 2 }));
/** An object whose own keys include `__proto__` and friends, as JSON.parse makes them (not a prototype change). */
const withKeys = (base: Record<string, unknown>, extras: Array<[string, unknown]>) => {
  const target: Record<string, unknown> = { ...base };
  for (const [key, value] of extras) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
};
const hostileExtras = fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), hostileValue), { maxLength: 3 });
const hostileObject = fc.tuple(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), hostileExtras).map(([base, extras]) => withKeys(base, extras));
const junk = fc.oneof(
  // Boxed values and BigInt are left out: socket.io encodes the one differently once binary is present, and cannot send the other.
  fc.anything({ maxDepth: 3, maxKeys: 4, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withTypedArray: true, withSparseArray: true }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  unicodeText,
  hugeString,
  deep,
  hostileObject,
  fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 1e308, -1, 1.5, "", " ", "0", "null", "true", "[object Object]", [], {}, [[]], [null]),
);
const mostlyValid = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: junk });
const numberish = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(-1, MAX_SEQ, MAX_SEQ + 1, 2 ** 53 - 1, 2 ** 53, 1.5, -0, 1e308, "1") },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
);
/**
 * A payload: mostly an object with the `required` fields and some of the others (each mostly valid) plus
 * hostile keys; sometimes any subset of the fields; sometimes anything at all.
 */
const payloadOf = (fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []) => {
  const spec = Object.fromEntries(Object.entries(fields).map(([key, arb]) => [key, mostlyValid(arb)]));
  const object = (requiredKeys: string[]) => fc.tuple(fc.record(spec, { requiredKeys }), hostileExtras).map(([base, extras]) => withKeys(base, extras) as unknown);
  return fc
    .oneof({ weight: 6, arbitrary: object(required) }, { weight: 1, arbitrary: object([]) }, { weight: 2, arbitrary: junk }, { weight: 1, arbitrary: fc.constantFrom(undefined, null) })
    .filter((payload) => Buffer.byteLength(JSON.stringify([payload]) ?? "") < 60_000); // several huge fields at once would pass the packet limit
};
/** Mostly absent. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

// The arbitraries need the IDs made in beforeAll, so they are built lazily.
const ids = {
  conversationId: () => fc.oneof({ weight: 5, arbitrary: fc.constant(fuzzer.conversationId) }, fc.constant(victimConversationId), hex(64), fc.constantFrom(fuzzer.conversationId.toUpperCase(), `${fuzzer.conversationId}\n`, ` ${fuzzer.conversationId}`, fuzzer.conversationId.slice(1), fuzzer.deviceId + fuzzer.deviceId, agent.deviceId + fuzzer.deviceId)),
  clientMsgId: () => fc.oneof({ weight: 4, arbitrary: fc.uuid({ version: [1, 4, 7, 8] }) }, fc.uuid({ version: [4] }).map((id) => id.toUpperCase()), fc.constantFrom("5d0e1b7a-8c44-4f0b-a1e2-0c9d3b6f7a21", "5D0E1B7A-8C44-4F0B-A1E2-0C9D3B6F7A21", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "5d0e1b7a-8c44-0f0b-a1e2-0c9d3b6f7a21", "5d0e1b7a8c444f0ba1e20c9d3b6f7a21", "{5d0e1b7a-8c44-4f0b-a1e2-0c9d3b6f7a21}")),
  body: () => fc.oneof(unicodeText, fc.string({ maxLength: 30 }), fc.constantFrom(` ${"y".repeat(4000)}\n`, "z".repeat(4001), "   ", "\u0000", "a\u0000b", "<img src=x onerror=alert(1)>")),
  uploadId: () => fc.oneof(fc.constantFrom(ownUpload.id, ownUpload.id.toUpperCase(), victimUpload.id), fc.uuid({ version: [4] })),
};

// --- The models ------------------------------------------------------------------------------------------------
type Model = { payload: () => fc.Arbitrary<unknown>; check: (payload: unknown, answer: Ack) => void };
const lastSeq = () => stored.size; // only the fuzzer writes into C

const models: Record<string, Model> = {
  "conversation:list": {
    payload: () => payloadOf({ limit: numberish }),
    check: (payload, answer) => {
      const input = overTheWire(payload);
      const isValid = input === null || (isObject(input) && (input.limit === undefined || isInt(input.limit, 1, 100)));
      if (!isValid) return void expect(answer).toEqual(failure("BAD_INPUT"));
      expect(answer.ok).toBe(true);
      expect((answer as unknown as { data: { conversations: Array<{ id: string }> } }).data.conversations.map((entry) => entry.id)).toEqual([fuzzer.conversationId]);
    },
  },
  "conversation:get": {
    payload: () => payloadOf({ conversationId: ids.conversationId() }, ["conversationId"]),
    check: (payload, answer) => {
      const input = overTheWire(payload);
      if (!isObject(input) || !isConversationId(input.conversationId)) return void expect(answer).toEqual(failure("BAD_INPUT"));
      if (input.conversationId !== fuzzer.conversationId) return void expect(answer).toEqual(failure("NOT_FOUND", "conversation not found"));
      expect(answer).toMatchObject({ ok: true, data: { conversation: { id: fuzzer.conversationId, lastSeq: lastSeq(), peer: { deviceId: agent.deviceId } } } });
    },
  },
  "message:sync": {
    payload: () => payloadOf({ conversationId: ids.conversationId(), afterSeq: numberish, limit: rarely(numberish) }, ["conversationId", "afterSeq"]),
    check: (payload, answer) => {
      const input = overTheWire(payload);
      const isValid = isObject(input) && isConversationId(input.conversationId) && isInt(input.afterSeq, 0, MAX_SEQ) && (input.limit === undefined || isInt(input.limit, 1, 200));
      if (!isValid) return void expect(answer).toEqual(failure("BAD_INPUT"));
      if (input.conversationId !== fuzzer.conversationId) return void expect(answer).toEqual(failure("NOT_FOUND", "conversation not found"));
      const afterSeq = input.afterSeq as number;
      const limit = (input.limit as number | undefined) ?? 100;
      const expectedSeqs = Array.from({ length: Math.max(0, Math.min(lastSeq(), afterSeq + limit) - afterSeq) }, (_, i) => afterSeq + 1 + i);
      const { data } = answer as unknown as { data: { messages: MessageView[]; hasMore: boolean; lastSeq: number } };
      expect({ seqs: data.messages.map((message) => message.seq), hasMore: data.hasMore, lastSeq: data.lastSeq }).toEqual({ seqs: expectedSeqs, hasMore: afterSeq + limit < lastSeq(), lastSeq: lastSeq() });
      expect(data.messages.every((message) => message.conversationId === fuzzer.conversationId)).toBe(true);
    },
  },
  "conversation:mark-read": {
    payload: () => payloadOf({ conversationId: ids.conversationId(), seq: numberish }, ["conversationId", "seq"]),
    check: (payload, answer) => {
      const input = overTheWire(payload);
      if (!isObject(input) || !isConversationId(input.conversationId) || !isInt(input.seq, 0, MAX_SEQ)) return void expect(answer).toEqual(failure("BAD_INPUT"));
      if (input.conversationId !== fuzzer.conversationId) return void expect(answer).toEqual(failure("NOT_FOUND", "conversation not found"));
      // Sending moved the fuzzer's cursor to each of its own messages, and a read never passes lastSeq.
      expect(answer).toEqual({ ok: true, data: { conversationId: fuzzer.conversationId, deviceId: fuzzer.deviceId, lastReadSeq: lastSeq(), unread: 0 } });
    },
  },
  "message:send": {
    payload: () => payloadOf({ conversationId: ids.conversationId(), clientMsgId: ids.clientMsgId(), body: ids.body(), uploadId: rarely(ids.uploadId()) }, ["conversationId", "clientMsgId", "body"]),
    check: (payload, answer) => {
      const input = overTheWire(payload);
      if (!isObject(input)) return void expect(answer).toEqual(failure("BAD_INPUT"));
      const { conversationId, clientMsgId, body, uploadId } = input;
      const text = typeof body === "string" ? body.trim() : "";
      const isValid =
        isConversationId(conversationId) && isUuid(clientMsgId) && (body === undefined || typeof body === "string") && text.length <= 4000 && !text.includes("\u0000") && (uploadId === undefined || isUuid(uploadId)) && (text !== "" || uploadId !== undefined);
      if (!isValid) return void expect(answer).toEqual(failure("BAD_INPUT"));
      if (conversationId !== fuzzer.conversationId) return void expect(answer).toEqual(failure("NOT_FOUND", "conversation not found"));
      const key = (clientMsgId as string).toLowerCase();
      const replayed = stored.get(key);
      if (replayed) return void expect(answer).toEqual({ ok: true, data: { message: replayed } }); // as first stored, whatever this retry says
      const wantsUpload = uploadId === undefined ? undefined : (uploadId as string).toLowerCase();
      if (wantsUpload !== undefined && wantsUpload !== ownUpload.id) return void expect(answer).toEqual(failure("NOT_FOUND", "upload not found"));
      if (wantsUpload !== undefined && uploadAttachedTo) return void expect(answer).toEqual(failure("CONFLICT"));
      expect(answer.ok).toBe(true);
      const { message } = (answer as unknown as { data: { message: MessageView } }).data;
      expect(message).toMatchObject({ conversationId: fuzzer.conversationId, senderDeviceId: fuzzer.deviceId, clientMsgId: key, seq: lastSeq() + 1, body: asStored(text), type: wantsUpload ? "image" : "text" });
      if (wantsUpload) {
        expect(message.attachment?.id).toBe(ownUpload.id);
        uploadAttachedTo = message.id;
      }
      stored.set(key, message);
    },
  },
};

/** Events without a model of their own: any answer must still be well-formed, and a payload that is not an object refused. */
function checkGeneric(payload: unknown, answer: Ack): void {
  const input = overTheWire(payload);
  if (input !== null && !isObject(input)) expect(answer).toEqual(failure("BAD_INPUT"));
}

/**
 * Every event a connected socket's server side answers: its one catch-all listener dispatches the events of
 * SOCKET_HANDLERS (and it listens to no event by name, but socket.io's own).
 */
function listenedEvents(socket: TestSocket): string[] {
  const serverSide = server.app.io.sockets.sockets.get(socket.id!);
  expect(serverSide?.listenersAny()).toHaveLength(1);
  expect(serverSide?.eventNames().filter((event) => !["disconnect", "disconnecting", "error"].includes(String(event)))).toEqual([]);
  return [...SOCKET_HANDLERS.keys()];
}

const genericPayload = () => fc.oneof(payloadOf({ allowedOrigins: fc.array(fc.oneof(fc.webUrl(), fc.constantFrom("https://shop.example", "http://localhost:3000", "javascript:alert(1)", "*", "null")), { maxLength: 4 }), rotateIdentitySecret: fc.constantFrom(true, false, "true"), limit: numberish, conversationId: ids.conversationId() }), junk);

/** The emit, with the ack deadline; "no payload" goes out as emit(event, ack) when `bare`, as §6 allows. */
const emitWithDeadline = (socket: TestSocket, event: string, payload: unknown, bare: boolean) =>
  payload === undefined && bare ? untyped(socket).timeout(ACK_TIMEOUT_MS).emitWithAck(event) : emitAny(socket, event, payload);

describe("every socket event, fuzzed", () => {
  it("has a model for each event the protocol documents, and the server listens to at least those", () => {
    expect(listenedEvents(fuzzTab)).toEqual(expect.arrayContaining(Object.keys(models)));
  });

  for (const event of ["conversation:list", "conversation:get", "message:sync", "conversation:mark-read", "message:send"]) {
    it(`answers ${event} within the deadline, exactly as its model says, for any payload`, async () => {
      const model = models[event]!;
      await fc.assert(
        fc.asyncProperty(model.payload(), fc.boolean(), async (payload, bare) => {
          const answer: unknown = await emitWithDeadline(fuzzTab, event, payload, bare);
          expectWellFormed(answer);
          model.check(payload, answer);
        }),
        // A failing send leaves the model's state behind; shrinking would replay against it and mislead: report the first failure as it came.
        { numRuns: event === "message:send" ? 300 : 120, endOnFailure: event === "message:send" },
      );
    });
  }

  it("stores any unicode in a valid message's body as sent (a lone surrogate as U+FFFD), and refuses NUL as BAD_INPUT", async () => {
    const body = fc.oneof(unicodeText, fc.string({ unit: "binary", minLength: 1, maxLength: 40 }), fc.constantFrom(...edgeCharacters).map((c) => `a${c}b`));
    await fc.assert(
      fc.asyncProperty(fc.uuid({ version: [4, 7] }), body, async (clientMsgId, text) => {
        const payload = { conversationId: fuzzer.conversationId, clientMsgId, body: text };
        const answer: unknown = await emitAny(fuzzTab, "message:send", payload);
        expectWellFormed(answer);
        models["message:send"]!.check(payload, answer);
      }),
      { numRuns: 100, endOnFailure: true, examples: [[randomUUID(), "a\u0000b"], [randomUUID(), "\uD800"], [randomUUID(), "\u202Eexe.gnp"], [randomUUID(), "\u0000"]] },
    );
  });

  it("answers every other event the server listens to with a well-formed ack, from a visitor and from an agent", async () => {
    const others = [...new Set([...listenedEvents(fuzzTab), ...listenedEvents(settingsTab)])].filter((event) => !(event in models));
    for (const event of others) {
      for (const socket of [fuzzTab, settingsTab]) {
        await fc.assert(
          fc.asyncProperty(genericPayload(), fc.boolean(), async (payload, bare) => {
            const answer: unknown = await emitWithDeadline(socket, event, payload, bare);
            expectWellFormed(answer);
            checkGeneric(payload, answer);
          }),
          { numRuns: 40 },
        );
      }
    }
  });

  it("stored exactly the messages it acked, nothing in anyone else's conversation, and no other rows", async () => {
    const now = await counts();
    expect(now).toEqual({ ...countsBefore, messages: countsBefore.messages + stored.size });
    const rows = await server.db.message.findMany({ where: { conversationId: fuzzer.conversationId }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.id)).toEqual([...stored.values()].sort((a, b) => a.seq - b.seq).map((message) => message.id));
    expect((await server.db.message.findMany({ where: { conversationId: victimConversationId } })).map((row) => row.body)).toEqual(["the victim's only message"]);
  });
});

describe("raw frames", () => {
  const freshTab = async () => {
    const tab = await connectVisitor(server.url, fuzzer.token);
    track(tab);
    return tab;
  };
  const event = (name: string, payloadJson: string) => `[${JSON.stringify(name)},${payloadJson}]`;

  it("answers payloads nested 9,000 to 25,000 deep with BAD_INPUT, on the same socket", async () => {
    // As deep as fits in one packet: far beyond what JSON.stringify or a recursive walk would survive.
    for (const [name, payloadJson] of [
      ["conversation:list", `${"[".repeat(25_000)}${"]".repeat(25_000)}`],
      ["message:send", `{"conversationId":"${fuzzer.conversationId}","clientMsgId":"${randomUUID()}","body":${'{"a":'.repeat(9_000)}1${"}".repeat(9_000)}}`],
      ["conversation:get", `${'{"a":'.repeat(9_000)}1${"}".repeat(9_000)}`],
      ["message:sync", `{"conversationId":"${fuzzer.conversationId}","afterSeq":${"[".repeat(20_000)}0${"]".repeat(20_000)}}`],
    ] as const) {
      expect(await rawEmit(fuzzTab, event(name, payloadJson))).toEqual({ ack: failure("BAD_INPUT") });
    }
    stored.clear(); // the fuzzer's model ends here: later tests only count on the server answering
  });

  it("stores nothing from __proto__ written as a JSON key, in any event, and pollutes no prototype", async () => {
    const before = await server.db.message.count();
    const pollute = '"__proto__":{"polluted":1,"conversationId":"x","body":"from the prototype"},"constructor":{"prototype":{"polluted":1}}';
    for (const name of Object.keys(models)) {
      const { ack } = (await rawEmit(fuzzTab, event(name, `{${pollute}}`))) as { ack: unknown };
      expectWellFormed(ack);
      expect(ack.ok ? name : ack.error.code).toBe(name === "conversation:list" ? name : "BAD_INPUT");
    }
    // A valid send whose prototype key carries another conversation and body: the own fields decide.
    const clientMsgId = randomUUID();
    const { ack } = (await rawEmit(fuzzTab, event("message:send", `{${pollute},"conversationId":"${fuzzer.conversationId}","clientMsgId":"${clientMsgId}","body":"own body"}`))) as { ack: Ack };
    expect(ack).toMatchObject({ ok: true, data: { message: { conversationId: fuzzer.conversationId, body: "own body" } } });
    expect(await server.db.message.count()).toBe(before + 1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  });

  it("takes the last of duplicate keys, as JSON.parse does, and nothing else from them", async () => {
    const { ack } = (await rawEmit(fuzzTab, event("message:sync", `{"conversationId":"${fuzzer.conversationId}","conversationId":"${victimConversationId}","afterSeq":0}`))) as { ack: unknown };
    expect(ack).toEqual(failure("NOT_FOUND", "conversation not found"));
  });

  const dropped: Record<string, string[]> = {
    "JSON that does not parse": [`2["message:send",{"body":`],
    "an empty argument list": ["2[]"],
    "an event named like a reserved one": [`2["disconnect",{}]`],
    "an event name that is an object": [`2[{"name":"message:send"},{}]`],
    "a binary event whose placeholder names an attachment that does not exist": [`50-["message:send",{"_placeholder":true,"num":0}]`],
    "a binary event whose attachment comes as text": [`51-["message:send",{"_placeholder":true,"num":0}]`, `2["conversation:list",{}]`],
  };
  for (const [name, frames] of Object.entries(dropped)) {
    it(`survives ${name}: that socket alone is dropped, and the visitor's other tabs go on working`, async () => {
      const tab = await freshTab();
      const closed = waitFor<string>(tab, "disconnect");
      for (const frame of frames) tab.io.engine.write(frame);
      expect(await closed).toBe("transport close");
      const marker = `still here ${randomUUID()}`;
      const [heard] = await Promise.all([waitFor<MessageView>(fuzzOtherTab, "message:sent", (message) => message.body === marker), send(fuzzTab, fuzzer.conversationId, marker)]);
      expect(heard.body).toBe(marker);
    });
  }

  it("drops only the socket that sends a 70 KB conversation:get, and the same visitor's other tabs hear the next message", async () => {
    const tab = await freshTab();
    const closed = waitFor<string>(tab, "disconnect");
    untyped(tab).emit("conversation:get", { conversationId: "f".repeat(70_000) }, () => undefined);
    expect(await closed).toBe("transport close");
    expect(fuzzTab.connected && fuzzOtherTab.connected).toBe(true);
    const marker = `after the big one ${randomUUID()}`;
    const [heard] = await Promise.all([waitFor<MessageView>(fuzzOtherTab, "message:sent", (message) => message.body === marker), send(fuzzTab, fuzzer.conversationId, marker)]);
    expect(heard.body).toBe(marker);
  });
});

describe("the HTTP routes, fuzzed", () => {
  const json = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  /** A JSON error body whose code belongs to the status (docs/protocol.md §10), or a success on 200. */
  const expectJsonAnswer = ({ status, text, headers }: { status: number; text: string; headers: Record<string, unknown> }, method = "POST") => {
    if (method === "HEAD") return void expect(text).toBe("");
    expect(String(headers["content-type"])).toMatch(/^application\/json/);
    const body = json(text);
    expectWellFormed(body);
    if (status === 200) return void expect(body.ok).toBe(true);
    expect(body.ok).toBe(false);
    const codeOf: Record<number, string> = { 400: "BAD_INPUT", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 429: "RATE_LIMITED", 503: "UNAVAILABLE" };
    expect((body as { error: { code: string } }).error.code).toBe(codeOf[status]);
  };

  const contentTypes = fc.oneof(fc.constantFrom(undefined, "application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "image/png", "*/*", ""), fc.string({ maxLength: 30 }).filter((type) => !/[\r\n\0]/.test(type) && /^[\x20-\x7e]*$/.test(type)));

  it("answers POST /api/visitors with a documented status and a JSON body, whatever the body, and 200 only for a valid one", async () => {
    const pageUrl = fc.oneof(fc.webUrl(), fc.constantFrom("", "https://shop.example/\u0000", "https://shop.example/?q=\uD800", "https://shop.example/\u202Egnp.exe", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://", "https://shop.example/?q=<img src=x onerror=alert(1)>", `https://x.example/${"a".repeat(3000)}`), unicodeText);
    const visitorBody = fc.record({ agentId: fc.oneof(fc.constant(agent.deviceId), hex(32), fc.constant(agent.deviceId.toUpperCase()), junk), token: fc.oneof(fc.constant(fuzzer.token), fc.string(), junk), page: pageUrl, referrer: pageUrl }, { requiredKeys: [] });
    const body = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(visitorBody, hostileExtras).map(([base, extras]) => JSON.stringify(withKeys(base, extras))) },
      { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
      { weight: 1, arbitrary: fc.constantFrom("", "null", "{}", "[]", "{", `{"agentId":"${"a".repeat(20_000)}"}`, '{"__proto__":{"polluted":1}}') },
    );
    const devicesBefore = await server.db.device.count();
    let created = 0;
    await fc.assert(
      fc.asyncProperty(body, contentTypes, async (payload, contentType) => {
        const answer = await rawHttp(server.url, "/api/visitors", { body: payload, headers: contentType === undefined ? {} : { "content-type": contentType } });
        expect([200, 400, 403, 404]).toContain(answer.status);
        expectJsonAnswer(answer);
        if (answer.status === 200) created++;
        const sent = json(typeof payload === "string" ? payload : payload.toString("utf8"));
        const agentIdIsWellFormed = isObject(sent) && typeof sent.agentId === "string" && /^[0-9a-f]{32}$/.test(sent.agentId);
        if (!agentIdIsWellFormed) expect(answer.status).toBe(400);
      }),
      { numRuns: 150 },
    );
    // Only successes create devices (a returning token creates none).
    expect(await server.db.device.count()).toBeLessThanOrEqual(devicesBefore + created);
  });

  it("answers POST /api/visitors with 200 for a valid body however its parts are spelled, and keeps a returning visitor's device", async () => {
    await fc.assert(
      fc.asyncProperty(fc.webUrl({ validSchemes: ["http", "https"] }), fc.constantFrom("", "https://referrer.example/"), contentTypes, async (page, referrer, contentType) => {
        const answer = await rawHttp(server.url, "/api/visitors", { body: JSON.stringify({ agentId: agent.deviceId, token: fuzzer.token, page, referrer }), headers: contentType === undefined ? {} : { "content-type": contentType } });
        expect({ status: answer.status, deviceId: (json(answer.text) as { data?: { visitor: { deviceId: string } } }).data?.visitor.deviceId }).toEqual({ status: 200, deviceId: fuzzer.deviceId });
      }),
      { numRuns: 25 },
    );
  });

  it("answers other methods on /api/visitors with a JSON 404", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"), fc.option(fc.string({ maxLength: 50 }), { nil: undefined }), async (method, payload) => {
        const answer = await rawHttp(server.url, "/api/visitors", { method, body: method === "GET" || method === "HEAD" ? undefined : payload });
        expect(answer.status).toBe(404);
        expectJsonAnswer(answer, method);
      }),
      { numRuns: 20 },
    );
  });

  it("refuses __proto__ in the JSON text of POST /api/visitors as an ordinary unknown field, and pollutes nothing", async () => {
    for (const text of [`{"__proto__":{"polluted":1,"agentId":"${agent.deviceId}"}}`, `{"agentId":"${agent.deviceId}","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}`]) {
      const answer = await rawHttp(server.url, "/api/visitors", { body: text, headers: { "content-type": "application/json" } });
      expectJsonAnswer(answer);
      // The agentId hidden in __proto__ is not the request's: the first body lacks one.
      expect(answer.status).toBe(text.startsWith('{"__proto__"') ? 400 : 200);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("answers POST /api/uploads with a documented refusal and a JSON body for any multipart garbage, storing nothing", async () => {
    const uploadsBefore = await server.db.upload.count();
    const filesBefore = filesIn(server.config.UPLOADS_DIR);
    const boundary = fc.oneof(fc.constantFrom("x", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "", "a b", '"q"'), fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 70 }).filter((b) => /^[\x21-\x7e]+$/.test(b)));
    const headerValue = fc.oneof(fc.string({ unit: "binary-ascii", maxLength: 60 }), fc.constantFrom('form-data; name="file"; filename="a.png"', 'form-data; name="conversationId"', 'form-data; name="file"', 'form-data; name="file"; filename*=UTF-8\'\'%00%2e%2e%2fetc', 'form-data; name="__proto__"', "form-data"));
    const part = fc.record({
      headers: fc.array(fc.tuple(fc.constantFrom("Content-Disposition", "Content-Type", "content-disposition", "X-Other", "Content-Transfer-Encoding"), headerValue), { maxLength: 3 }),
      content: fc.oneof(fc.constant(fuzzer.conversationId), fc.constant(victimConversationId), fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("latin1")), fc.string({ unit: "binary-ascii", maxLength: 100 }), fc.constant("\x89PNG\r\n\x1a\n\0\0\0\rIHDR")),
    });
    const multipart = fc.tuple(boundary, fc.array(part, { maxLength: 4 }), fc.boolean(), fc.string({ unit: "binary-ascii", maxLength: 20 })).map(([b, parts, closed, preamble]) =>
      Buffer.from(`${preamble}${parts.map(({ headers, content }) => `--${b}\r\n${headers.map(([name, value]) => `${name}: ${value}`).join("\r\n")}\r\n\r\n${content}\r\n`).join("")}${closed ? `--${b}--\r\n` : ""}`, "latin1"),
    );
    const body = fc.oneof({ weight: 4, arbitrary: fc.tuple(boundary, multipart) }, { weight: 1, arbitrary: fc.tuple(fc.constant("x"), fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes))) });
    const auth = fc.constantFrom<Record<string, string>>({ authorization: `Bearer ${fuzzer.token}` }, { authorization: `Bearer ${fuzzer.token}` }, {}, { authorization: "Bearer garbage" }, { authorization: `Bearer ${fuzzer.token}`, "sec-fetch-site": "cross-site" }, { cookie: agent.cookie, "sec-fetch-site": "cross-site" }, { cookie: agent.cookie });
    await fc.assert(
      fc.asyncProperty(body, fc.oneof(fc.constant("boundary-of-the-body"), contentTypes), auth, async ([b, bytes], contentType, headers) => {
        const type = contentType === "boundary-of-the-body" ? `multipart/form-data; boundary=${b}` : contentType;
        const answer = await rawHttp(server.url, "/api/uploads", { body: bytes, headers: { ...headers, ...(type !== undefined && { "content-type": type }) } });
        expect([400, 401, 403, 404, 413, 415]).toContain(answer.status);
        expectJsonAnswer(answer);
      }),
      { numRuns: 150 },
    );
    expect(await server.db.upload.count()).toBe(uploadsBefore);
    expect(filesIn(server.config.UPLOADS_DIR)).toEqual(filesBefore);
  });
});

describe("afterwards", () => {
  it("still answers other clients: a fresh visitor and agent chat both ways, and the fuzzed socket still sends and broadcasts", async () => {
    await expectStillServing(server, track);
    expect(fuzzTab.connected).toBe(true);
    const marker = `the end ${randomUUID()}`;
    const [atAgent, atOtherTab] = await Promise.all([
      waitFor<MessageView>(agentTab, "message:sent", (message) => message.body === marker),
      waitFor<MessageView>(fuzzOtherTab, "message:sent", (message) => message.body === marker),
      send(fuzzTab, fuzzer.conversationId, marker),
    ]);
    expect(atAgent.id).toBe(atOtherTab.id);
    expect((await fetch(new URL("/api/health", server.url))).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "@auth/core/jwt";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { afterAll, beforeAll } from "vitest";
import { loadConfig, type Config } from "../../src/config.ts";
import { signUpAgent, type AgentProfile } from "../../src/core/agents/sign-up-agent.ts";
import { createDb, type Db } from "../../src/core/db.ts";
import { createAgentSession } from "../../src/core/sessions/agent-session.ts";
import type { VisitorSession } from "../../src/core/visitors/identify-visitor.ts";
import { createApp, type App } from "../../src/server/index.ts";
import { createLogger } from "../../src/server/log.ts";
import type { AckResult, ClientToServerEvents, InboxEntry, MessageView, ServerToClientEvents } from "../../src/server/socket/contract.ts";
import { adminQuery, databaseUrl, dropDatabase, TEMPLATE_DATABASE } from "./postgres.ts";

export const TEST_SECRET = "parley-integration-tests-secret-0123456789";
export const SESSION_COOKIE = "authjs.session-token";
export const ACK_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A fresh database cloned from the migrated template, and the means to drop it. */
export async function createTestDatabase({ empty = false } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `parley_it_${randomBytes(6).toString("hex")}`;
  await adminQuery(empty ? `CREATE DATABASE "${name}"` : `CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  return { url: databaseUrl(name), drop: () => dropDatabase(name) };
}

export type TestServer = { url: string; db: Db; app: App; config: Config; close: () => Promise<void> };

/**
 * A real Parley (HTTP routes and Socket.IO, no Next.js) on a free port, backed by a real database:
 * a fresh clone of the template, unless `overrides.DATABASE_URL` names one (then the caller owns it).
 * Uploads go to a directory of its own, removed with it.
 */
export async function startServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-it-"));
  const database = overrides.DATABASE_URL ? undefined : await createTestDatabase();
  const config: Config = {
    // Every test's visitors come from 127.0.0.1: the per-address limit on new visitors is off unless a test sets it.
    ...loadConfig({ PRESENCE_GRACE_MS: "0", LOG_LEVEL: "silent", AUTH_SECRET: TEST_SECRET, DATA_DIR: dataDir, UPLOADS_DIR: join(dataDir, "uploads"), NODE_ENV: "test", VISITORS_RATE_LIMIT: "off" }),
    DATABASE_URL: database?.url,
    ...overrides,
  };
  const db = createDb(config.DATABASE_URL!);
  const httpServer = createServer();
  const app = createApp(httpServer, { config, db, log: createLogger(config.LOG_LEVEL) });
  const close = async () => {
    await app.close();
    await db.$disconnect();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => httpServer.once("error", reject).listen(0, "127.0.0.1", resolve)); // port 0: test files run in parallel
  } catch (err) {
    await close(); // nobody gets a handle to clean up after a server that never started
    throw err;
  }
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, db, app, config, close };
}

/** A running server as a test file uses it; `useServer` closes it. */
export type ServerUnderTest = Omit<TestServer, "close">;

/** Hands sockets to `useServer` to close after the file's tests; closing one early does no harm. */
export type TrackSockets = (...sockets: TestSocket[]) => void;

/**
 * One server for the tests of a file: started before them (see `startServer` for `overrides`) and,
 * after them, closed together with every socket given to `track`. `server` reads through to the
 * running server, so it is taken at the top of the file but used only in tests and later hooks.
 */
export function useServer(overrides: Partial<Config> = {}): { server: ServerUnderTest; track: TrackSockets } {
  let running: TestServer | undefined;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    running = await startServer(overrides);
  });
  afterAll(async () => {
    closeAll(...sockets);
    await running?.close();
  });
  const current = (): TestServer => {
    if (!running) throw new Error("the server is not running: use it in tests and in hooks registered after useServer()");
    return running;
  };
  const server: ServerUnderTest = {
    get url() {
      return current().url;
    },
    get db() {
      return current().db;
    },
    get app() {
      return current().app;
    },
    get config() {
      return current().config;
    },
  };
  return { server, track: (...opened) => void sockets.push(...opened) };
}

export type SeededAgent = AgentProfile & { sessionToken: string; cookie: string };

/** An agent account with a live session, and the cookie NextAuth would have set for it. */
export async function seedAgent(db: Db, name = "Ada"): Promise<SeededAgent> {
  const agent = await signUpAgent(db, { identifier: { email: `${randomUUID()}@example.test` }, name, password: "correct horse battery" });
  const sessionToken = await createAgentSession(db, agent.id);
  return { ...agent, sessionToken, cookie: await sessionCookie({ sessionToken }) };
}

/** A NextAuth session cookie carrying `token`, encrypted with `secret` as Auth.js does. */
export async function sessionCookie(token: Record<string, unknown>, secret = TEST_SECRET): Promise<string> {
  return `${SESSION_COOKIE}=${await encode({ token, secret, salt: SESSION_COOKIE })}`;
}

type VisitorReply = Omit<VisitorSession, "isNewConversation" | "isProfileChanged">;

/** What the visitor window does first: POST /api/visitors, with the stored token if it has one. */
export async function identifyVisitor(url: string, agentDeviceId: string, token?: string): Promise<VisitorReply> {
  const response = await postJson(url, "/api/visitors", { agentId: agentDeviceId, token });
  const reply = (await response.json()) as AckResult<VisitorReply>;
  if (!reply.ok) throw new Error(`POST /api/visitors failed: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

export const postJson = (url: string, path: string, body: unknown): Promise<Response> =>
  fetch(new URL(path, url), { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

type ClientOptions = Partial<ManagerOptions & SocketOptions>;

// WebSocket only, as a real client tries first; no reconnection, so a test decides when a client comes back.
// A handshake runs database lookups, and tests open dozens at once: it gets a longer deadline than an ack.
const clientOptions = (options: ClientOptions): ClientOptions => ({ transports: ["websocket"], forceNew: true, reconnection: false, timeout: CONNECT_TIMEOUT_MS, ...options });

/** A connected socket; Parley joins its rooms before "connect", so it is ready for events at once. */
export function connect(url: string, options: ClientOptions): Promise<TestSocket> {
  const socket: TestSocket = io(url, clientOptions(options));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** The error a refused handshake reports to the client (`err.data` carries Parley's code). */
export function connectError(url: string, options: ClientOptions): Promise<Error & { data?: { code: string; message: string } }> {
  const socket: TestSocket = io(url, clientOptions(options));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => {
      socket.close();
      reject(new Error("the handshake was accepted"));
    });
    socket.once("connect_error", (err) => {
      socket.close();
      resolve(err);
    });
  });
}

export const connectVisitor = (url: string, token: string) => connect(url, { auth: { token } });
export const connectAgent = (url: string, cookie: string) => connect(url, { extraHeaders: { cookie } });

type Listenable = { on(event: string, listener: (value: never) => void): unknown; off(event: string, listener: (value: never) => void): unknown };

/**
 * Resolves with the next `event` (the next one that matches `where`, if given). The deadline is a
 * failure, not a wait: a missing event fails fast, by name, instead of at the suite timeout.
 */
export function waitFor<T = unknown>(socket: TestSocket | Listenable, event: string, where: (value: T) => boolean = () => true): Promise<T> {
  const emitter = socket as Listenable;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no matching "${event}" within ${ACK_TIMEOUT_MS} ms`));
    }, ACK_TIMEOUT_MS);
    const listener = (value: T) => {
      if (!where(value)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

export type SendAck = AckResult<{ message: MessageView }>;

/** message:send with an ack deadline; the clientMsgId is fresh unless a retry passes the original. */
export const send = (socket: TestSocket, conversationId: string, body: string, clientMsgId: string = randomUUID(), timeoutMs = ACK_TIMEOUT_MS): Promise<SendAck> =>
  socket.timeout(timeoutMs).emitWithAck("message:send", { conversationId, clientMsgId, body });

/** conversation:list; its optional input leaves socket.io's types unable to infer the ack, hence the annotation. */
export const listConversations = (socket: TestSocket): Promise<AckResult<{ conversations: InboxEntry[]; nextCursor: string | null }>> =>
  socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:list", {});

/** The data of a successful ack; a failed one fails the test with its code. */
export function unwrap<T>(result: AckResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.data;
}

/** One agent with a visitor who opened that agent's widget: the usual cast of a test. */
export async function openConversation(server: ServerUnderTest) {
  const agent = await seedAgent(server.db);
  const visitor = await identifyVisitor(server.url, agent.deviceId);
  return { agent, visitor, conversationId: visitor.conversationId };
}

/** A fresh conversation with the visitor in two tabs and the agent in one, all connected and tracked. */
export async function openChat(server: ServerUnderTest, track: TrackSockets) {
  const { agent, visitor, conversationId } = await openConversation(server);
  const [visitorTab, visitorOtherTab, agentTab] = await Promise.all([
    connectVisitor(server.url, visitor.token),
    connectVisitor(server.url, visitor.token),
    connectAgent(server.url, agent.cookie),
  ]);
  track(visitorTab, visitorOtherTab, agentTab);
  return { agent, visitor, conversationId, visitorTab, visitorOtherTab, agentTab };
}

/** Closes sockets a test opened; safe on sockets that are already closed. */
export const closeAll = (...sockets: TestSocket[]) => sockets.forEach((socket) => socket.close());

// ---------------------------------------------------------------------------------------------------
// Hostile clients (tests/integration/hostile-*.test.ts): what no well-behaved client would put on the wire.
// Imports are here, not at the top, so that this section stays an append-only addition.
import { request as httpRequest, type OutgoingHttpHeaders } from "node:http";
import { Manager } from "socket.io-client";

/** Any socket, untyped, so a test can emit what the contract forbids. */
export const untyped = (socket: TestSocket): Socket => socket as unknown as Socket;

/** An emit with an ack deadline that takes any event name and payload. */
export const emitAny = (socket: TestSocket, event: string, payload: unknown, timeoutMs = ACK_TIMEOUT_MS): Promise<unknown> =>
  untyped(socket).timeout(timeoutMs).emitWithAck(event, payload);

/** The handshake's outcome as a client sees it: accepted, refused with Parley's error data, or the connection closed. */
export type HandshakeOutcome = { kind: "connected" } | { kind: "refused"; data: unknown } | { kind: "closed"; reason: string };

let rawAckId = 900_000; // far above socket.io-client's own ack counter, so raw acks never collide with its own

/**
 * Writes one Socket.IO EVENT frame as raw text (`2<ackId><json>`), so a test can send JSON that
 * JSON.stringify would never produce (duplicate keys, `__proto__` as a key, deep nesting, broken syntax).
 * Resolves with the ack, or with `closed` when the server drops the connection instead.
 */
export function rawEmit(socket: TestSocket, argsJson: string, timeoutMs = ACK_TIMEOUT_MS): Promise<{ ack: unknown } | { closed: string }> {
  const engine = socket.io.engine;
  const id = ++rawAckId;
  const prefix = `3${id}`;
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      engine.off("message", onMessage);
      engine.off("close", onClose);
    };
    const onMessage = (data: unknown) => {
      if (typeof data !== "string" || !data.startsWith(prefix) || data[prefix.length] !== "[") return;
      done();
      resolve({ ack: (JSON.parse(data.slice(prefix.length)) as unknown[])[0] });
    };
    const onClose = (reason: string) => {
      done();
      resolve({ closed: reason });
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ack and no close for raw frame ${prefix} within ${timeoutMs} ms`));
    }, timeoutMs);
    engine.on("message", onMessage);
    engine.on("close", onClose);
    engine.write(`2${id}${argsJson}`);
  });
}

/**
 * Opens an Engine.IO connection and sends `connectFrame` as the Socket.IO CONNECT packet, byte for byte
 * (`0` followed by the auth JSON, or anything else). Reports what the server did with it.
 */
export function rawHandshake(url: string, connectFrame: string, extraHeaders: Record<string, string> = {}): Promise<HandshakeOutcome> {
  const manager = new Manager(url, { transports: ["websocket"], autoConnect: false, reconnection: false, timeout: CONNECT_TIMEOUT_MS, extraHeaders });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: HandshakeOutcome) => {
      if (settled) return; // closing below reports a "close" of its own
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
      manager.engine?.close();
    };
    const timer = setTimeout(() => {
      manager.engine?.close();
      reject(new Error(`the server neither answered nor closed a raw handshake within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    manager.open((err) => {
      if (err) return finish({ kind: "closed", reason: err.message });
      const engine = manager.engine;
      engine.on("message", (data: unknown) => {
        if (typeof data !== "string") return;
        if (data.startsWith("0")) finish({ kind: "connected" });
        else if (data.startsWith("4")) finish({ kind: "refused", data: (JSON.parse(data.slice(1)) as { data?: unknown }).data });
      });
      engine.on("close", (reason: string) => finish({ kind: "closed", reason }));
      engine.write(connectFrame);
    });
  });
}

/**
 * The handshake's outcome through socket.io-client itself: a refusal with data, or a dropped connection
 * (an oversized CONNECT packet closes the transport before any answer).
 */
export function handshakeOutcome(url: string, options: ClientOptions): Promise<HandshakeOutcome> {
  const socket: TestSocket = io(url, clientOptions(options));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: HandshakeOutcome) => {
      if (settled) return; // closing below reports a "disconnect" of its own
      settled = true;
      resolve(outcome);
      socket.close();
    };
    socket.once("connect", () => finish({ kind: "connected" }));
    socket.once("connect_error", (err: Error & { data?: unknown }) => finish(err.data ? { kind: "refused", data: err.data } : { kind: "closed", reason: err.message }));
    socket.once("disconnect", (reason) => finish({ kind: "closed", reason }));
  });
}

export type RawResponse = { status: number; headers: Record<string, string | string[] | undefined>; text: string };

/** An HTTP request with full control of method, headers and body bytes (fetch forbids some of each). */
export function rawHttp(url: string, path: string, { method = "POST", headers = {}, body }: { method?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { method, headers: { ...(body !== undefined && { "content-length": Buffer.byteLength(body) }), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A legitimate visitor and agent still chat both ways: the server survived whatever came before. */
export async function expectStillServing(server: ServerUnderTest, track: TrackSockets): Promise<void> {
  const { visitorTab, visitorOtherTab, agentTab, conversationId } = await openChat(server, track);
  const [heard, ack] = await Promise.all([waitFor<MessageView>(agentTab, "message:sent"), send(visitorTab, conversationId, "still there?")]);
  const { message } = unwrap(ack);
  if (heard.id !== message.id || message.body !== "still there?") throw new Error("the server stored or broadcast the wrong message");
  const [reply, replyAck] = await Promise.all([waitFor<MessageView>(visitorTab, "message:sent"), send(agentTab, conversationId, "yes")]);
  if (reply.id !== unwrap(replyAck).message.id) throw new Error("the agent's reply did not reach the visitor");
  closeAll(visitorTab, visitorOtherTab, agentTab);
}

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
    ...loadConfig({ PRESENCE_GRACE_MS: "0", LOG_LEVEL: "silent", AUTH_SECRET: TEST_SECRET, DATA_DIR: dataDir, UPLOADS_DIR: join(dataDir, "uploads"), NODE_ENV: "test" }),
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

type VisitorReply = Omit<VisitorSession, "isNewConversation">;

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
export const listConversations = (socket: TestSocket): Promise<AckResult<{ conversations: InboxEntry[] }>> =>
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

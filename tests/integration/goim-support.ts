// golang-im clients for the goim tests, written from the tables of docs/golang-im.md (not from the server's
// code): a TCP client and a WebSocket client that speak goim frames, and the HTTP API as golang-im's pages call it.
import { connect as tcpConnect, type Socket } from "node:net";
import { WebSocket } from "ws";
import { ACK_TIMEOUT_MS } from "./support.ts";

export type GoimFrame = { packageLength: number; headerLength: number; version: number; op: number; seq: number; body: string };

/** One frame as a golang-im client writes it: version 1. */
export function frame(op: number, seq: number, body = "", { version = 1, headerLength = 16 }: { version?: number; headerLength?: number } = {}): Buffer {
  const payload = Buffer.from(body, "utf8");
  const header = Buffer.alloc(16);
  header.writeInt32BE(16 + payload.length, 0);
  header.writeInt16BE(headerLength, 4);
  header.writeInt16BE(version, 6);
  header.writeInt32BE(op, 8);
  header.writeInt32BE(seq, 12);
  return Buffer.concat([header, payload]);
}

/** What a client receives: frames in order, and the end of the connection. */
export class GoimClient {
  readonly frames: GoimFrame[] = [];
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];
  private buffer = Buffer.alloc(0);
  private consumed = 0;

  private constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly shut: () => void,
    closed: Promise<void>,
  ) {
    this.closed = closed.finally(() => this.wake());
  }

  static tcp(port: number): Promise<GoimClient> {
    return new Promise((resolve, reject) => {
      const socket: Socket = tcpConnect(port, "127.0.0.1");
      const closed = new Promise<void>((done) => socket.once("close", () => done()));
      const client = new GoimClient((bytes) => socket.write(bytes), () => socket.destroy(), closed);
      socket.on("data", (chunk: Buffer) => client.onBytes(chunk));
      socket.on("error", () => undefined); // a refused client sees its connection end; the test reads that from `closed`
      socket.once("connect", () => resolve(client));
      socket.once("error", reject);
    });
  }

  static ws(url: string): Promise<GoimClient> {
    return GoimClient.wsAt(`${url.replace(/^http/, "ws")}/ws`);
  }

  /** A WebSocket to this exact URL (a `suburl` as /open/adduser answers it). */
  static wsAt(wsUrl: string): Promise<GoimClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      const closed = new Promise<void>((done) => ws.once("close", () => done()));
      const client = new GoimClient((bytes) => ws.send(bytes), () => ws.terminate(), closed);
      // Each binary message holds one frame (op 9 would hold several: read them all).
      ws.on("message", (data: Buffer) => client.onBytes(Buffer.from(data)));
      ws.on("error", () => undefined);
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  /** Sends bytes as they are: one or several frames, part of one, or anything at all. */
  sendRaw(bytes: Buffer): void {
    this.write(bytes);
  }

  send(op: number, seq: number, body = ""): void {
    this.write(frame(op, seq, body));
  }

  close(): void {
    this.shut();
  }

  /** The next frame not yet taken that matches; fails after the ack deadline instead of hanging. */
  async next(match: (frame: GoimFrame) => boolean = () => true, what = "a frame"): Promise<GoimFrame> {
    const deadline = Date.now() + ACK_TIMEOUT_MS;
    for (;;) {
      const index = this.frames.findIndex((frame, i) => i >= this.consumed && match(frame));
      if (index >= 0) {
        this.consumed = index + 1;
        return this.frames[index]!;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${ACK_TIMEOUT_MS} ms; received ops ${this.frames.map((f) => f.op).join(",")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  nextOp(op: number): Promise<GoimFrame> {
    return this.next((frame) => frame.op === op, `op ${op}`);
  }

  private onBytes(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 16) {
      const packageLength = this.buffer.readInt32BE(0);
      if (this.buffer.length < packageLength) break;
      const headerLength = this.buffer.readInt16BE(4);
      this.frames.push({
        packageLength,
        headerLength,
        version: this.buffer.readInt16BE(6),
        op: this.buffer.readInt32BE(8),
        seq: this.buffer.readInt32BE(12),
        body: this.buffer.subarray(headerLength, packageLength).toString("utf8"),
      });
      this.buffer = this.buffer.subarray(packageLength);
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export type Envelope<T = unknown> = { code: number; msg: string; success: boolean; result: T; error?: string; [key: string]: unknown };

/** A form-encoded POST as jQuery sends it, with the token in the `token` header when given. */
export async function form<T = unknown>(url: string, path: string, fields: Record<string, string>, token?: string): Promise<Envelope<T>> {
  const response = await fetch(new URL(path, url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8", ...(token ? { token } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  return (await response.json()) as Envelope<T>;
}

export type GoimUser = Record<"user_id" | "nickname" | "face" | "device_id" | "room_id" | "shop_id" | "shop_name" | "shop_face" | "platform" | "suburl" | "pushurl" | "remote_addr" | "referer" | "user_agent" | "created_at" | "token", string>;
export type GoimMessage = { user_id: string; shop_id: string; type: string; msg: string; room_id: string; dateline: number; id: string; seq: number };

export function ok<T>(envelope: Envelope<T>): T {
  if (!envelope.success) throw new Error(`expected success, got ${envelope.code} ${envelope.error}: ${envelope.msg}`);
  return envelope.result;
}

/** An agent registered and signed in through golang-im's own calls. */
export async function goimAgent(url: string, nickname = `shop${Math.random().toString(36).slice(2, 10)}`, password = "correct horse battery"): Promise<GoimUser> {
  ok(await form(url, "/auth/register", { nickname, password }));
  return ok(await form<GoimUser>(url, "/auth/login", { nickname, password }));
}

export const goimVisitor = async (url: string, shopId: string): Promise<GoimUser> => ok(await form<GoimUser>(url, "/open/adduser", { shop_id: shopId }));

/** Connects, authenticates with the user object (op 7) and subscribes to its room (op 14), as golang-im's page does. */
export async function joined(client: GoimClient, user: GoimUser, room = user.room_id): Promise<GoimClient> {
  client.send(7, 1, JSON.stringify(user));
  client.send(14, 2, room);
  await client.nextOp(8);
  await client.nextOp(15);
  return client;
}

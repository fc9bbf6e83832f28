import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../../core/actor.ts";
import { assertNotBlocked } from "../../core/blocks/blocks.ts";
import { conversationIdsOf } from "../../core/conversations/list-conversations.ts";
import { findVisibleConversation } from "../../core/conversations/find-visible-conversation.ts";
import { ChatError, type ErrorCode } from "../../core/errors.ts";
import { conversationIdSchema } from "../../core/ids.ts";
import { messageInclude, toMessageView, type MessageView } from "../../core/messages/message-view.ts";
import { markRead } from "../../core/read-state/mark-read.ts";
import type { Logger } from "../log.ts";
import { toWireError } from "../reply.ts";
import { rooms } from "../socket/rooms.ts";
import { encodeFrame, OP, type Frame } from "./frame.ts";
import { goimActor, goimTokenSchema } from "./goim-actor.ts";
import { toGoimMessage } from "./goim-message.ts";
import { goimSend } from "./goim-send.ts";
import { newGoimVisitor } from "./new-visitor.ts";
import type { GoimCtx } from "./types.ts";

/** What the engine needs from a transport (a TCP socket, or a WebSocket carrying one frame per binary message). */
export type Transport = {
  kind: "tcp" | "ws";
  /** The client's address as the server sees it (for IP blocks). */
  address?: string;
  /** Prefix that makes upload URLs absolute in pushed messages ("" keeps them relative). */
  baseUrl: string;
  write: (frame: Buffer) => void;
  /** Ends the connection after what was written; the transport then calls `closed()`. */
  end: () => void;
};

const SYNC_LIMIT = 50;
/** Frames waiting behind a slow one; a client that outruns the server this far is cut rather than buffered without end. */
const MAX_PENDING_FRAMES = 100;
/** The room event a goim op 4 travels in between gateways (rooms.goim): only gateways listen to those rooms. */
const GOIM_PUSH_EVENT = "goim:push";
// golang-im's load-test TCP client sends a user object with a shop_id and no token: see auth().
const authSchema = z.looseObject({ token: goimTokenSchema.optional(), shop_id: z.union([z.string().trim().min(1).max(256), z.number()]).optional() });
const storedSendSchema = z.looseObject({ type: z.enum(["text", "image"]).optional(), msg: z.string(), client_msg_id: z.uuid().optional() });

type DisconnectCode = ErrorCode | "BAD_FRAME" | "IDLE";

/**
 * One goim client, whatever its transport: frames are handled strictly one after another in the order they
 * came (a client sends its subscribe without waiting for the auth reply), nothing but auth is heard before
 * auth, and the connection hears its subscribed room's messages as op 5 pushes from any node.
 */
export class GoimConnection {
  readonly id = randomUUID();
  readonly log: Logger;
  private actor: Actor | undefined;
  private room: string | undefined;
  private stopListening: (() => void)[] = [];
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private isClosed = false;

  constructor(
    private readonly transport: Transport,
    private readonly ctx: GoimCtx,
    private readonly onClosed: (connection: GoimConnection) => void,
  ) {
    this.log = ctx.log.child({ goimConnectionId: this.id, transport: transport.kind });
    this.touch();
  }

  get actorOf(): Actor | undefined {
    return this.actor;
  }

  /** A frame from the client, handled after every frame before it. */
  receive(frame: Frame): void {
    if (this.isClosed) return;
    // Frames dropped before auth do not count as activity: a client that never authenticates is closed when the idle time is up.
    if (this.actor || frame.op === OP.AUTH) this.touch();
    if (++this.pending > MAX_PENDING_FRAMES) return this.disconnect("RATE_LIMITED", "too many frames waiting to be handled");
    this.queue = this.queue
      .then(() => this.handle(frame))
      .catch((err: unknown) => this.log.error({ err, op: frame.op }, "goim frame handling failed"))
      .finally(() => this.pending--);
  }

  /** Sends op 6 with the reason, then ends the connection. */
  disconnect(code: DisconnectCode, message: string, seq = 0): void {
    if (this.isClosed) return;
    this.log.debug({ code, message }, "goim connection refused");
    this.send(OP.DISCONNECT, seq, JSON.stringify({ code, message }));
    this.transport.end();
    this.closed();
  }

  /** The transport is gone (or ending): stop listening to the room and count the device's presence down. */
  closed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.idleTimer);
    this.leaveRoom();
    const actor = this.actor;
    if (actor && !this.ctx.isShuttingDown()) this.goOffline(actor);
    this.onClosed(this);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.disconnect("IDLE", "nothing received for too long: send a heartbeat (op 2) every 30 s"), this.ctx.config.GOIM_IDLE_TIMEOUT_MS);
    this.idleTimer.unref();
  }

  private send(op: number, seq: number, body?: string | Buffer): void {
    if (!this.isClosed) this.transport.write(encodeFrame({ op, seq, body }));
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.isClosed) return;
    if (frame.op === OP.AUTH) return this.auth(frame);
    if (!this.actor) return; // before auth everything else is dropped, as goim does
    try {
      await this.dispatch(frame, this.actor);
    } catch (err) {
      const { code, message } = toWireError(err, this.log);
      this.send(OP.ERROR, frame.seq, JSON.stringify({ code, message, op: frame.op }));
    }
  }

  private async dispatch(frame: Frame, actor: Actor): Promise<void> {
    const text = frame.body.toString("utf8");
    switch (frame.op) {
      case OP.HEARTBEAT:
        return this.heartbeat(frame, actor);
      case OP.SUBSCRIBE:
        return this.subscribe(frame, actor, OP.SUBSCRIBE_REPLY);
      case OP.CHANGE_ROOM:
        return this.subscribe(frame, actor, OP.CHANGE_ROOM_REPLY);
      case OP.UNSUBSCRIBE:
        this.leaveRoom();
        return this.send(OP.UNSUBSCRIBE_REPLY, frame.seq, "unsubscribed room ok");
      case OP.SYNC:
        return this.sync(frame);
      case OP.ACK:
        return this.ack(frame, actor, text.trim());
      case OP.SEND:
        return this.relay(frame, actor, text);
      case OP.SEND_STORED:
        return this.sendStored(frame, actor, text);
      default:
        throw new ChatError("BAD_INPUT", `unknown operation ${frame.op}`);
    }
  }

  private async auth(frame: Frame): Promise<void> {
    if (this.actor) return this.send(OP.ERROR, frame.seq, JSON.stringify({ code: "CONFLICT", message: "already authenticated", op: frame.op }));
    try {
      const parsed = authSchema.safeParse(parseJson(frame.body.toString("utf8")));
      if (!parsed.success) throw new ChatError("UNAUTHENTICATED", "the auth body must be the JSON user object from /open/adduser or /auth/login, with its token");
      const { token, shop_id } = parsed.data;
      const actor = token ? await goimActor(this.ctx.db, this.ctx.config.AUTH_SECRET, token) : await this.newVisitor(shop_id);
      if (this.isClosed) return;
      this.actor = actor;
      this.log.debug({ deviceId: actor.deviceId, kind: actor.kind }, "goim connection authenticated");
      this.send(OP.AUTH_REPLY, frame.seq, "ok");
      this.goOnline(actor);
    } catch (err) {
      const { code, message } = toWireError(err, this.log);
      this.disconnect(code, message, frame.seq);
    }
  }

  /**
   * No token but a shop_id (golang-im's load-test client): a new anonymous visitor of that shop, exactly as
   * /open/adduser would make one (its per-address limit, blacklist and allowed origins), so this grants nothing
   * the HTTP call does not. Without a shop_id either, there is nobody to be.
   */
  private async newVisitor(shopId: string | number | undefined): Promise<Actor> {
    if (shopId === undefined) throw new ChatError("UNAUTHENTICATED", "the auth body must carry the token from /open/adduser or /auth/login");
    const { session } = await newGoimVisitor(this.ctx, String(shopId), { ip: this.transport.address });
    return { kind: "visitor", deviceId: session.visitor.deviceId };
  }

  private async heartbeat(frame: Frame, actor: Actor): Promise<void> {
    // Online is counted from auth to close; the beat keeps the device's "last seen" fresh for the agent's lists.
    await this.ctx.db.device.update({ where: { id: actor.deviceId }, data: { lastSeenAt: new Date() } }).catch((err: unknown) => this.log.warn({ err }, "goim heartbeat: last seen not updated"));
    this.send(OP.HEARTBEAT_REPLY, frame.seq);
  }

  private async subscribe(frame: Frame, actor: Actor, replyOp: number): Promise<void> {
    const room = conversationIdSchema.safeParse(frame.body.toString("utf8").trim());
    if (!room.success) throw new ChatError("BAD_INPUT", "the body must be a room_id (64 lowercase hex digits)");
    // Only the actor's own rooms: nobody listens in on a conversation by guessing its id.
    await findVisibleConversation(this.ctx.db, room.data, actor);
    this.leaveRoom();
    this.joinRoom(room.data);
    this.send(replyOp, frame.seq, "subscribed room ok");
  }

  private joinRoom(room: string): void {
    if (this.isClosed) return;
    this.room = room;
    this.stopListening = [
      this.ctx.tap.listen(rooms.conversation(room), (event, payload) => {
        if (event === "message:sent") this.send(OP.PUSH, 0, JSON.stringify(toGoimMessage(payload as MessageView, this.transport.baseUrl)));
      }),
      this.ctx.tap.listen(rooms.goim(room), (event, payload) => {
        if (event === GOIM_PUSH_EVENT) this.send(OP.PUSH, 0, (payload as { body: string }).body);
      }),
    ];
  }

  private leaveRoom(): void {
    for (const stop of this.stopListening) stop();
    this.stopListening = [];
    this.room = undefined;
  }

  private requireRoom(): string {
    if (!this.room) throw new ChatError("BAD_INPUT", "Not subscribing to a room");
    return this.room;
  }

  private async sync(frame: Frame): Promise<void> {
    const room = this.requireRoom();
    const rows = await this.ctx.db.message.findMany({ where: { conversationId: room }, orderBy: { seq: "desc" }, take: SYNC_LIMIT, include: messageInclude });
    const messages = rows.reverse().map((row) => toGoimMessage(toMessageView(row), this.transport.baseUrl));
    this.send(OP.SYNC_REPLY, frame.seq, JSON.stringify(messages));
  }

  /**
   * The body is a message id (or, Parley's addition, a seq): the device's read cursor moves to that message.
   * golang-im's pages ack the `id` of every op 5 they receive, op 4 payloads included (the agent page's
   * greeting carries a made-up `"id":"1645776553444263000"`, a typing payload none at all): an id that is no
   * stored message of the room moves nothing, and is answered 21 all the same, as golang-im answered it.
   */
  private async ack(frame: Frame, actor: Actor, body: string): Promise<void> {
    const room = this.requireRoom();
    const seq = /^\d{1,10}$/.test(body) ? Number(body) : await this.seqOfMessage(room, body);
    if (seq !== undefined) {
      const { conversationId, deviceId, lastReadSeq } = await markRead(this.ctx.db, { conversationId: room, seq: Math.min(seq, 2_147_483_647) }, actor);
      this.ctx.io.to(rooms.conversation(conversationId)).emit("conversation:read", { conversationId, deviceId, lastReadSeq });
    }
    this.send(OP.ACK_REPLY, frame.seq);
  }

  private async seqOfMessage(room: string, id: string): Promise<number | undefined> {
    if (!z.uuid().safeParse(id).success) return undefined;
    const message = await this.ctx.db.message.findFirst({ where: { id: id.toLowerCase(), conversationId: room }, select: { seq: true } });
    return message?.seq;
  }

  /** Op 4: a JSON payload (typing, a greeting) for everyone in the room on every node, never stored. */
  private async relay(frame: Frame, actor: Actor, body: string): Promise<void> {
    if (!this.room) return this.send(OP.PUSH, frame.seq, "Not subscribing to a room"); // golang-im's own answer
    parseJson(body); // others JSON.parse what they receive: it must be JSON
    await assertNotBlocked(this.ctx.db, this.room, actor, this.transport.address);
    const broadcast = this.ctx.io as unknown as { to: (room: string) => { emit: (event: string, payload: unknown) => void } };
    broadcast.to(rooms.goim(this.room)).emit(GOIM_PUSH_EVENT, { body });
  }

  /** Op 23 (Parley's addition): a stored message from a native client, without the HTTP /open/push. */
  private async sendStored(frame: Frame, actor: Actor, body: string): Promise<void> {
    const room = this.requireRoom();
    const input = storedSendSchema.safeParse(parseJson(body));
    if (!input.success) throw new ChatError("BAD_INPUT", z.prettifyError(input.error));
    const message = await goimSend(this.ctx, actor, { ...input.data, room_id: room }, this.transport.address);
    this.send(OP.SEND_STORED_REPLY, frame.seq, JSON.stringify(toGoimMessage(message, this.transport.baseUrl)));
  }

  private goOnline(actor: Actor): void {
    this.ctx.presence
      .connected(actor.deviceId)
      .then((cameOnline) => (cameOnline ? this.announce(actor, true) : undefined))
      .catch((err: unknown) => this.log.warn({ err }, "goim presence update failed"));
  }

  private goOffline(actor: Actor): void {
    const { presence, config } = this.ctx;
    const report = (err: unknown) => this.log.warn({ err }, "goim presence update failed");
    presence
      .disconnected(actor.deviceId)
      .then((wentOffline) => {
        if (!wentOffline) return;
        // As for sockets: "offline" only after the grace period without any connection of the device.
        setTimeout(() => {
          presence
            .onlineAmong([actor.deviceId])
            .then((online) => (online.has(actor.deviceId) ? undefined : this.announce(actor, false)))
            .catch(report);
        }, config.PRESENCE_GRACE_MS).unref();
      })
      .catch(report);
  }

  private async announce(actor: Actor, online: boolean): Promise<void> {
    const lastSeenAt = new Date();
    await this.ctx.db.device.update({ where: { id: actor.deviceId }, data: { lastSeenAt } });
    const targets = (await conversationIdsOf(this.ctx.db, actor)).map(rooms.conversation);
    if (targets.length) this.ctx.io.to(targets).emit("presence:changed", { deviceId: actor.deviceId, online, lastSeenAt: lastSeenAt.toISOString() });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ChatError("BAD_INPUT", "the body is not valid JSON");
  }
}

import { randomUUID } from "node:crypto";
import type { Logger } from "../log.ts";
import type { ChatServer } from "../socket/types.ts";

export type RoomListener = (event: string, payload: unknown) => void;
type Packet = { type: number; data?: unknown[] };
type BroadcastOptions = { rooms: Set<string> };
type AdapterInternals = {
  _encode: (packet: Packet, options: unknown) => unknown;
  apply: (options: BroadcastOptions, callback: (socket: unknown) => void) => void;
  addAll: (id: string, rooms: Set<string>) => void;
  del: (id: string, room: string) => void;
};

/**
 * Lets connections that are not Socket.IO sockets (goim's TCP and WebSocket clients) hear what is
 * broadcast to Socket.IO rooms, on this node and, through the Redis adapter, from every other node.
 *
 * Every delivery of a room broadcast to this node's sockets, whether it started here (`io.to(room).emit`,
 * `socket.to(room).emit`) or arrived from another node over Redis, runs the adapter's `broadcast`, which
 * encodes the packet once (`_encode`) and then hands it to the room's local sockets (`apply`), back to back
 * and synchronously. The tap remembers the packet at `_encode` and, at the `apply` that follows, gives it to
 * the listeners of the targeted rooms. Nothing is added to the namespace's sockets, so code that walks
 * them (fetchSockets, session rechecks) never meets a goim connection.
 *
 * The Redis adapter drops a broadcast from another node to a room that has no member here. So while goim
 * connections listen to a room, the tap keeps one member id of its own in the adapter's room (`addAll`), the
 * way a socket joins; the namespace has no socket of that id, so every walk over the room's sockets skips it.
 * If a socket.io-adapter upgrade changes these methods, tests/integration/goim-bridge.test.ts and
 * goim-multi-node.test.ts fail.
 */
export class RoomTap {
  private readonly listeners = new Map<string, Set<RoomListener>>();
  private readonly adapter: AdapterInternals;
  private readonly memberId = `goim-tap:${randomUUID()}`;

  constructor(io: ChatServer, private readonly log: Logger) {
    const adapter = (this.adapter = io.of("/").adapter as unknown as AdapterInternals);
    const encode = adapter._encode.bind(adapter);
    const apply = adapter.apply.bind(adapter);
    let pending: Packet | undefined;
    adapter._encode = (packet, options) => {
      pending = packet;
      return encode(packet, options);
    };
    adapter.apply = (options, callback) => {
      const packet = pending;
      pending = undefined; // only the apply right after an encode is a broadcast; fetchSockets, socketsJoin etc. have none
      if (packet) this.deliver(packet, options);
      return apply(options, callback);
    };
  }

  /** Calls `listener` with each event broadcast to `room`; returns the function that stops it. */
  listen(room: string, listener: RoomListener): () => void {
    let set = this.listeners.get(room);
    if (!set) {
      this.listeners.set(room, (set = new Set()));
      this.adapter.addAll(this.memberId, new Set([room]));
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size || this.listeners.get(room) !== set) return;
      this.listeners.delete(room);
      this.adapter.del(this.memberId, room);
    };
  }

  private deliver(packet: Packet, { rooms }: BroadcastOptions): void {
    const [event, payload] = packet.data ?? [];
    if (typeof event !== "string" || !rooms?.size) return; // a broadcast to everyone names no room a goim client is in
    const called = new Set<RoomListener>(); // io.to([a, b]) reaches a listener of both rooms once
    for (const room of rooms) {
      for (const listener of this.listeners.get(room) ?? []) {
        if (called.has(listener)) continue;
        called.add(listener);
        try {
          listener(event, payload);
        } catch (err) {
          // A goim connection's trouble must never break the broadcast to the Socket.IO clients.
          this.log.warn({ err, room, event }, "goim room listener failed");
        }
      }
    }
  }
}

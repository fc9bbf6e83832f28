import { conversationIdsOf } from "../../core/conversations/list-conversations.ts";
import type { Config } from "../../config.ts";
import { conversationRoomsAmong, rooms } from "./rooms.ts";
import type { SocketCtx } from "./types.ts";

/**
 * Online while at least one socket of the device is connected (on any node); "offline" is announced
 * only after PRESENCE_GRACE_MS without one, so a reload or a brief drop does not make the dot blink.
 */
export function trackPresence({ io, socket, db, log, presence, isShuttingDown }: SocketCtx, config: Pick<Config, "PRESENCE_GRACE_MS">): void {
  const { deviceId } = socket.data.actor;
  // To the rooms of the device's conversations: coming online, those the socket joined at its handshake (no
  // need to ask again); going offline, some time after its last socket left, asked anew.
  const announce = async (online: boolean, conversationRooms?: string[]) => {
    const lastSeenAt = new Date();
    await db.device.update({ where: { id: deviceId }, data: { lastSeenAt } });
    const targets = conversationRooms ?? (await conversationIdsOf(db, socket.data.actor)).map(rooms.conversation);
    if (targets.length) io.to(targets).emit("presence:changed", { deviceId, online, lastSeenAt: lastSeenAt.toISOString() });
  };
  const report = (err: unknown) => log.warn({ err }, "presence update failed");

  presence
    .connected(deviceId)
    .then((cameOnline) => (cameOnline ? announce(true, conversationRoomsAmong(socket.rooms)) : undefined))
    .catch(report);
  socket.on("disconnect", () => {
    // A node going away disconnects all its sockets; presence.close() then drops all of this node's counts at
    // once. Counting them down one by one would race that, and the Redis connection closing right after it.
    if (isShuttingDown()) return;
    presence
      .disconnected(deviceId)
      .then((wentOffline) => {
        if (!wentOffline) return;
        setTimeout(() => {
          presence
            .onlineAmong([deviceId])
            .then((online) => (online.has(deviceId) ? undefined : announce(false)))
            .catch(report);
        }, config.PRESENCE_GRACE_MS).unref(); // unref: a pending "offline" must not hold a shutting-down process open
      })
      .catch(report);
  });
}

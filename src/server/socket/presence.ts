import { conversationIdsOf } from "../../core/conversations/list-conversations.ts";
import type { Config } from "../../config.ts";
import { rooms } from "./rooms.ts";
import type { SocketCtx } from "./types.ts";

/**
 * Online while at least one socket of the device is connected; "offline" is announced only after
 * PRESENCE_GRACE_MS without one, so a reload or a brief drop does not make the dot blink.
 */
export function trackPresence({ io, socket, db, log, presence }: SocketCtx, config: Pick<Config, "PRESENCE_GRACE_MS">): void {
  const { actor } = socket.data;
  const announce = async (online: boolean) => {
    const lastSeenAt = new Date();
    await db.device.update({ where: { id: actor.deviceId }, data: { lastSeenAt } });
    const targets = (await conversationIdsOf(db, actor)).map(rooms.conversation);
    if (targets.length) io.to(targets).emit("presence:changed", { deviceId: actor.deviceId, online, lastSeenAt: lastSeenAt.toISOString() });
  };
  const report = (err: unknown) => log.warn({ err }, "presence update failed");

  if (presence.connected(actor.deviceId)) announce(true).catch(report);
  socket.on("disconnect", () => {
    if (!presence.disconnected(actor.deviceId)) return;
    setTimeout(() => {
      if (!presence.isOnline(actor.deviceId)) announce(false).catch(report);
    }, config.PRESENCE_GRACE_MS).unref(); // unref: a pending "offline" must not hold a shutting-down process open
  });
}

import { liveSessionTokens } from "../../core/sessions/agent-session.ts";
import type { Db } from "../../core/db.ts";
import type { Logger } from "../log.ts";
import type { ChatServer } from "./types.ts";

/**
 * Every `intervalMs`, checks this node's agent sockets against their session rows and disconnects those
 * whose session expired or was deleted behind our back (an administrator in the database). A sign-out
 * cuts its sockets at once (onSessionRevoked); this catches the rest. Returns the stop function.
 */
export function startSessionRecheck(io: ChatServer, db: Db, log: Logger, intervalMs: number): () => void {
  let running = false;
  const recheck = async () => {
    const agentSockets = [...io.of("/").sockets.values()].flatMap((socket) => {
      const actor = socket.data.actor; // unset while a handshake is still under way
      return actor?.kind === "agent" ? [{ socket, sessionToken: actor.sessionToken }] : [];
    });
    if (!agentSockets.length) return;
    const live = await liveSessionTokens(db, [...new Set(agentSockets.map(({ sessionToken }) => sessionToken))]);
    const ended = agentSockets.filter(({ sessionToken }) => !live.has(sessionToken));
    for (const { socket } of ended) socket.disconnect(true);
    if (ended.length) log.info({ sockets: ended.length }, "agent sockets of ended sessions disconnected");
  };
  const timer = setInterval(() => {
    if (running) return; // a slow database must not stack checks up
    running = true;
    recheck()
      .catch((err: unknown) => log.warn({ err }, "agent session recheck failed")) // a database blip cuts nobody
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref(); // the recheck must not hold a stopping process open
  return () => clearInterval(timer);
}

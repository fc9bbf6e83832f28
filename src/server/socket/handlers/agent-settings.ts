import { z } from "zod";
import { getAgentSettings, updateAgentSettings, updateAgentSettingsSchema } from "../../../core/identity/agent-settings.ts";
import { defineHandler } from "../define-handler.ts";
import { rooms } from "../rooms.ts";

export const agentGetSettings = defineHandler(z.object({}).optional(), async (_input, { db, socket }) => ({ settings: await getAgentSettings(db, socket.data.actor) }));

export const agentUpdateSettings = defineHandler(updateAgentSettingsSchema, async (input, { io, db, socket, log }) => {
  const { rotatedIdentitySecret, ...settings } = await updateAgentSettings(db, input, socket.data.actor);
  if (rotatedIdentitySecret) {
    // Hashes made with the old secret prove nothing now: its verified visitors leave, and come back only
    // once the site signs them with the new one. (Their handshakes check the secret too, on every node.)
    io.in(rooms.verifiedVisitors(socket.data.actor.deviceId)).disconnectSockets(true);
    log.info("identity secret rotated");
  }
  return { settings };
});

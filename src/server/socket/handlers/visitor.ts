import { blockVisitor, blockVisitorSchema, unblockVisitor, unblockVisitorSchema } from "../../../core/blocks/blocks.ts";
import type { DeviceId } from "../../../core/ids.ts";
import { getVisitorProfile, getVisitorSchema, profilesForItsAgents } from "../../../core/visitors/get-visitor-profile.ts";
import { updateVisitorProfile, updateVisitorProfileSchema } from "../../../core/visitors/update-visitor-profile.ts";
import type { VisitorProfile } from "../../../core/visitors/visitor-profile.ts";
import { defineHandler } from "../define-handler.ts";
import { rooms } from "../rooms.ts";
import type { SocketCtx } from "../types.ts";

/** Agents only: one of their visitors, for the visitor panel. */
export const visitorGet = defineHandler(getVisitorSchema, async ({ deviceId }, { db, presence, socket }) => ({
  visitor: await getVisitorProfile(db, presence, socket.data.actor, deviceId),
}));

/** Agents only. The agent's other tabs learn the new block state through `visitor:updated`. */
export const visitorBlock = defineHandler(blockVisitorSchema, async (input, ctx) => {
  await blockVisitor(ctx.db, ctx.socket.data.actor, input);
  ctx.log.info({ visitorId: input.deviceId, by: input.by }, "visitor blocked");
  return { visitor: await announceToOwnTabs(ctx, input.deviceId) };
});

export const visitorUnblock = defineHandler(unblockVisitorSchema, async ({ deviceId }, ctx) => {
  await unblockVisitor(ctx.db, ctx.socket.data.actor, { deviceId });
  ctx.log.info({ visitorId: deviceId }, "visitor unblocked");
  return { visitor: await announceToOwnTabs(ctx, deviceId) };
});

/** Visitors only; every agent the visitor talks to gets the new profile (`visitor:updated`) on their device room. */
export const visitorUpdateProfile = defineHandler(updateVisitorProfileSchema, async (input, { db, io, presence, socket, log }) => {
  const { profile, changed } = await updateVisitorProfile(db, input, socket.data.actor);
  if (changed) {
    const targets = await profilesForItsAgents(db, presence, socket.data.actor.deviceId);
    for (const { agentDeviceId, visitor } of targets) io.to(rooms.device(agentDeviceId)).emit("visitor:updated", visitor);
    log.debug({ agents: targets.length }, "visitor profile updated");
  }
  return { profile };
});

async function announceToOwnTabs({ db, presence, socket }: SocketCtx, deviceId: DeviceId): Promise<VisitorProfile> {
  const visitor = await getVisitorProfile(db, presence, socket.data.actor, deviceId);
  socket.to(rooms.device(socket.data.actor.deviceId)).emit("visitor:updated", visitor); // the acting tab has it in its ack
  return visitor;
}

import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import type { DeviceId } from "../ids.ts";
import type { Presence } from "../presence/presence.ts";
import { avatarUrlOf, widgetSettingsOf, type PublicWidgetConfig } from "./agent-settings.ts";

const select = { name: true, deviceId: true, avatarKey: true, widgetColor: true, widgetGreeting: true, widgetPosition: true, offlineMessage: true, preChatForm: true } as const;

/**
 * What any page may know about an agent's widget before anyone chats: the agent's name and avatar, the
 * widget's looks, and whether the agent has a console open anywhere (any of its sockets, on any node).
 */
export async function publicWidgetConfig(db: Db, presence: Presence, agentDeviceId: DeviceId): Promise<PublicWidgetConfig> {
  const agent = await db.agent.findUnique({ where: { deviceId: agentDeviceId }, select });
  if (!agent) throw new ChatError("NOT_FOUND", "no such agent: check the data-agent attribute of the widget snippet");
  const online = (await presence.onlineAmong([agent.deviceId])).has(agent.deviceId);
  return { agent: { deviceId: agent.deviceId, name: agent.name, avatarUrl: avatarUrlOf(agent) }, widget: widgetSettingsOf(agent), online };
}

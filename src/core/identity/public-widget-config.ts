import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import type { DeviceId } from "../ids.ts";
import type { Presence } from "../presence/presence.ts";
import { avatarUrlOf, widgetSettingsOf, type PublicWidgetConfig } from "./agent-settings.ts";

const select = { name: true, deviceId: true, avatarKey: true, widgetColor: true, widgetGreeting: true, widgetPosition: true, offlineMessage: true, preChatForm: true } as const;

/** The agent's name, avatar and widget settings: the public config without presence (null: no such agent). */
export async function agentWidget(db: Db, agentDeviceId: DeviceId): Promise<Omit<PublicWidgetConfig, "online"> | null> {
  const agent = await db.agent.findUnique({ where: { deviceId: agentDeviceId }, select });
  return agent && { agent: { deviceId: agent.deviceId, name: agent.name, avatarUrl: avatarUrlOf(agent) }, widget: widgetSettingsOf(agent) };
}

/**
 * What any page may know about an agent's widget before anyone chats: the agent's name and avatar, the
 * widget's looks, and whether the agent has a console open anywhere (any of its sockets, on any node).
 */
export async function publicWidgetConfig(db: Db, presence: Presence, agentDeviceId: DeviceId): Promise<PublicWidgetConfig> {
  const found = await agentWidget(db, agentDeviceId);
  if (!found) throw new ChatError("NOT_FOUND", "no such agent: check the data-agent attribute of the widget snippet");
  return { ...found, online: (await presence.onlineAmong([agentDeviceId])).has(agentDeviceId) };
}

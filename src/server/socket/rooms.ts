import { createHash } from "node:crypto";
import { conversationIdSchema, type ConversationId, type DeviceId } from "../../core/ids.ts";

/** Every room name is built here. A conversation's room is its ID: the two device IDs concatenated. */
export const rooms = {
  conversation: (id: ConversationId) => id,
  device: (id: DeviceId) => `device:${id}`, // all tabs of one visitor, or all of one agent's tabs and browsers
  verifiedVisitors: (agentDeviceId: DeviceId) => `verified:${agentDeviceId}`, // visitors proven with this agent's identity secret
  // Hashed, so the session token itself never appears in adapter traffic or debug output.
  // goim clients' op-4 payloads (typing, greetings): only goim gateways listen here, Socket.IO clients never join it.
  goim: (id: ConversationId) => `goim:${id}`,
  session: (sessionToken: string) => `session:${createHash("sha256").update(sessionToken).digest("hex").slice(0, 32)}`,
} as const;

/** The conversation rooms among a socket's rooms (a conversation's room is its ID; every other room has a prefix). */
export const conversationRoomsAmong = (names: Iterable<string>): string[] => [...names].filter((name) => conversationIdSchema.safeParse(name).success);

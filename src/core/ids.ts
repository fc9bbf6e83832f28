import { randomBytes, randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";

export type DeviceId = string;
export type ConversationId = string;

// 32 hex digits, so two of them concatenate into a room ID of fixed shape that both sides derive alike.
export const deviceIdSchema = z.string().regex(/^[0-9a-f]{32}$/, "must be a device ID (32 lowercase hex digits)");
export const conversationIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be a conversation ID (64 lowercase hex digits)");

export const newDeviceId = (): DeviceId => randomBytes(16).toString("hex");

/** The room of a visitor and an agent: visitor device ID first, then the agent's. */
export const conversationIdOf = (visitorDeviceId: DeviceId, agentDeviceId: DeviceId): ConversationId =>
  visitorDeviceId + agentDeviceId;

/** Message IDs are UUIDv7, so they sort by creation time (gochat's time-ordered IDs). */
export const newMessageId = (): string => uuidv7();

/** Upload IDs are random UUIDv4: an upload's URL is a capability, so its ID must be unguessable, not time-ordered. */
export const newUploadId = (): string => randomUUID();

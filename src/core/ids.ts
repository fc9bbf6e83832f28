import { randomBytes, randomFillSync, randomUUID } from "node:crypto";
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

// uuid's v7 asks WebCrypto for 16 random bytes per ID: about 4 µs each on Node 20, 5% of a busy node's time
// (docs/benchmarks.md). Here they come from a pool refilled 4 KB at a time, and the clock and counter are kept
// as uuid keeps them, so IDs made in one process still strictly increase (a counter within one millisecond).
const randomPool = Buffer.alloc(4096);
let poolOffset = randomPool.length;
const v7Clock = { msecs: -Infinity, seq: 0 };
function random16(): Uint8Array {
  if (poolOffset + 16 > randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  return randomPool.subarray(poolOffset, (poolOffset += 16));
}

/** Message IDs are UUIDv7, so they sort by creation time (gochat's time-ordered IDs). */
export function newMessageId(): string {
  const random = random16();
  const now = Date.now();
  if (now > v7Clock.msecs) {
    v7Clock.msecs = now;
    v7Clock.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!; // a random start, as uuid's
  } else if ((v7Clock.seq = (v7Clock.seq + 1) | 0) === 0) {
    v7Clock.msecs++; // the counter wrapped within one millisecond: borrow the next one
  }
  return uuidv7({ random, msecs: v7Clock.msecs, seq: v7Clock.seq });
}

/** Upload IDs are random UUIDv4: an upload's URL is a capability, so its ID must be unguessable, not time-ordered. */
export const newUploadId = (): string => randomUUID();

// Typed requests for the security-identity tests (socket.io's types lose the ack type behind timeout()).
import type { AckResult, AgentSettings, SyncPage } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, type TestSocket } from "./support.ts";

type SettingsAck = AckResult<{ settings: AgentSettings }>;

/** The whole history of a conversation, in one page (these tests hold a few messages). */
export const syncAll = (socket: TestSocket, conversationId: string): Promise<AckResult<SyncPage>> =>
  socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:sync", { conversationId, afterSeq: 0 });

export const getSettings = (socket: TestSocket): Promise<SettingsAck> => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("agent:get-settings", {});

/** agent:update-settings with any payload, so that tests can send what the contract forbids. */
export const updateSettings = (socket: TestSocket, input: unknown): Promise<SettingsAck> =>
  socket.timeout(ACK_TIMEOUT_MS).emitWithAck("agent:update-settings", input as { allowedOrigins: string[] });

// The typed socket contract, shared by the server and the browser clients (client code: `import type` only).
// docs/protocol.md describes the same events for people writing their own clients.
import type { Actor } from "../../core/actor.ts";
import type { ConversationSummary } from "../../core/conversations/conversation-summary.ts";
import type { ConversationStatusChange } from "../../core/conversations/set-status.ts";
import type { AgentSettings } from "../../core/identity/agent-settings.ts";
import type { MessageView } from "../../core/messages/message-view.ts";
import type { SyncPage } from "../../core/messages/sync-messages.ts";
import type { ReadReceipt } from "../../core/read-state/mark-read.ts";
import type { UploadView } from "../../core/uploads/upload-view.ts";
import type { AckResult } from "../reply.ts";

export type { AckResult, AgentSettings, ConversationStatusChange, ConversationSummary, MessageView, SyncPage, ReadReceipt, UploadView };
export type Ack<T> = (result: AckResult<T>) => void;
export type InboxEntry = ConversationSummary & { peerOnline: boolean };
export type TypingChange = { conversationId: string; deviceId: string; isTyping: boolean };
export type PresenceChange = { deviceId: string; online: boolean; lastSeenAt: string };

export interface ClientToServerEvents {
  "conversation:list": (input: { limit?: number } | undefined, ack: Ack<{ conversations: InboxEntry[] }>) => void;
  "conversation:get": (input: { conversationId: string }, ack: Ack<{ conversation: InboxEntry }>) => void;
  /** `body` is required unless `uploadId` (from POST /api/uploads) is given; then it is the optional caption. */
  "message:send": (input: { conversationId: string; clientMsgId: string; body?: string; uploadId?: string }, ack: Ack<{ message: MessageView }>) => void;
  "message:sync": (input: { conversationId: string; afterSeq: number; limit?: number }, ack: Ack<SyncPage>) => void;
  "conversation:mark-read": (input: { conversationId: string; seq: number }, ack: Ack<ReadReceipt>) => void;
  "typing:set": (input: { conversationId: string; isTyping: boolean }, ack: Ack<{ conversationId: string; isTyping: boolean }>) => void;
  /** Agents only; a visitor gets FORBIDDEN. */
  "conversation:resolve": (input: { conversationId: string }, ack: Ack<ConversationStatusChange>) => void;
  /** Agents only; a visitor gets FORBIDDEN. */
  "conversation:reopen": (input: { conversationId: string }, ack: Ack<ConversationStatusChange>) => void;
  /** Agents only: the widget's allowed origins and identity-verification secret. */
  "agent:get-settings": (input: Record<string, never> | undefined, ack: Ack<{ settings: AgentSettings }>) => void;
  "agent:update-settings": (input: { allowedOrigins?: string[]; rotateIdentitySecret?: true }, ack: Ack<{ settings: AgentSettings }>) => void;
}

export interface ServerToClientEvents {
  "message:sent": (message: MessageView) => void;
  "conversation:read": (receipt: Omit<ReadReceipt, "unread">) => void;
  "presence:changed": (change: PresenceChange) => void;
  "typing:changed": (change: TypingChange) => void;
  "conversation:updated": (change: ConversationStatusChange) => void;
}

export type SocketData = { actor: Actor };

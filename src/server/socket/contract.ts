// The typed socket contract, shared by the server and the browser clients (client code: `import type` only).
// docs/protocol.md describes the same events for people writing their own clients.
import type { Actor } from "../../core/actor.ts";
import type { CannedReply } from "../../core/canned/canned-reply.ts";
import type { ConversationSummary } from "../../core/conversations/conversation-summary.ts";
import type { ConversationStatusChange } from "../../core/conversations/set-status.ts";
import type { AgentSettings, PublicWidgetConfig, WidgetSettings } from "../../core/identity/agent-settings.ts";
import type { MessageView } from "../../core/messages/message-view.ts";
import type { SyncPage } from "../../core/messages/sync-messages.ts";
import type { ReadReceipt } from "../../core/read-state/mark-read.ts";
import type { UploadView } from "../../core/uploads/upload-view.ts";
import type { VisitorAttributes, VisitorProfile, VisitorProfileUpdate } from "../../core/visitors/visitor-profile.ts";
import type { AckResult } from "../reply.ts";

export type { AckResult, AgentSettings, CannedReply, ConversationStatusChange, ConversationSummary, MessageView, PublicWidgetConfig, SyncPage, ReadReceipt, UploadView };
export type { VisitorAttributes, VisitorProfile, VisitorProfileUpdate, WidgetSettings };
export type Ack<T> = (result: AckResult<T>) => void;
/** `match`: with a search query, the newest message of the conversation whose text matches it. */
export type InboxEntry = ConversationSummary & { peerOnline: boolean; match?: { seq: number; body: string } };
/** Which conversations an inbox lists: "online" = the visitor is connected now. */
export type InboxFilter = "all" | "open" | "resolved" | "unread" | "online";
/** Messages before `beforeSeq`, oldest first; `hasMore`: older ones remain. */
export type HistoryPage = { messages: MessageView[]; hasMore: boolean };
export type TypingChange = { conversationId: string; deviceId: string; isTyping: boolean };
export type PresenceChange = { deviceId: string; online: boolean; lastSeenAt: string };

export interface ClientToServerEvents {
  /** Newest activity first; `cursor` is the previous page's `nextCursor`; `query` searches visitors (name, email, label) and message text. */
  "conversation:list": (
    input: { limit?: number; filter?: InboxFilter; query?: string; cursor?: string } | undefined,
    ack: Ack<{ conversations: InboxEntry[]; nextCursor: string | null }>,
  ) => void;
  "conversation:get": (input: { conversationId: string }, ack: Ack<{ conversation: InboxEntry }>) => void;
  /** `body` is required unless `uploadId` (from POST /api/uploads) is given; then it is the optional caption. */
  "message:send": (input: { conversationId: string; clientMsgId: string; body?: string; uploadId?: string }, ack: Ack<{ message: MessageView }>) => void;
  "message:sync": (input: { conversationId: string; afterSeq: number; limit?: number }, ack: Ack<SyncPage>) => void;
  /** Paging upward: the `limit` messages before `beforeSeq` (omitted: the newest ones). */
  "message:history": (input: { conversationId: string; beforeSeq?: number; limit?: number }, ack: Ack<HistoryPage>) => void;
  "conversation:mark-read": (input: { conversationId: string; seq: number }, ack: Ack<ReadReceipt>) => void;
  "typing:set": (input: { conversationId: string; isTyping: boolean }, ack: Ack<{ conversationId: string; isTyping: boolean }>) => void;
  /** Agents only; a visitor gets FORBIDDEN. */
  "conversation:resolve": (input: { conversationId: string }, ack: Ack<ConversationStatusChange>) => void;
  /** Agents only; a visitor gets FORBIDDEN. */
  "conversation:reopen": (input: { conversationId: string }, ack: Ack<ConversationStatusChange>) => void;
  /** Agents only: the widget's allowed origins and identity-verification secret. */
  "agent:get-settings": (input: Record<string, never> | undefined, ack: Ack<{ settings: AgentSettings }>) => void;
  "agent:update-settings": (
    input: { name?: string; widget?: Partial<WidgetSettings>; allowedOrigins?: string[]; rotateIdentitySecret?: true },
    ack: Ack<{ settings: AgentSettings }>,
  ) => void;
  /** Agents only: one of their visitors, for the visitor panel. */
  "visitor:get": (input: { deviceId: string }, ack: Ack<{ visitor: VisitorProfile }>) => void;
  /** Agents only: refuse the visitor's messages (BLOCKED), by device, by the IP address they were last seen from, or both. */
  "visitor:block": (input: { deviceId: string; by: ("device" | "ip")[] }, ack: Ack<{ visitor: VisitorProfile }>) => void;
  /** Agents only: lifts this agent's device and IP blocks on the visitor. */
  "visitor:unblock": (input: { deviceId: string }, ack: Ack<{ visitor: VisitorProfile }>) => void;
  /** Visitors only: the name, email and custom attributes they (or the site's JavaScript API) give. */
  "visitor:update-profile": (input: VisitorProfileUpdate, ack: Ack<{ profile: { name: string | null; email: string | null; attributes: VisitorAttributes } }>) => void;
  /** Agents only: their saved replies, by shortcut. */
  "canned:list": (input: Record<string, never> | undefined, ack: Ack<{ replies: CannedReply[] }>) => void;
  /** Agents only: creates a saved reply, or with `id` changes one. A shortcut used by another reply is CONFLICT. */
  "canned:save": (input: { id?: string; shortcut: string; body: string }, ack: Ack<{ reply: CannedReply }>) => void;
  "canned:delete": (input: { id: string }, ack: Ack<{ id: string }>) => void;
}

export interface ServerToClientEvents {
  "message:sent": (message: MessageView) => void;
  "conversation:read": (receipt: Omit<ReadReceipt, "unread">) => void;
  "presence:changed": (change: PresenceChange) => void;
  "typing:changed": (change: TypingChange) => void;
  "conversation:updated": (change: ConversationStatusChange) => void;
  /** To the visitor's agent: the visitor's profile changed (name, email, attributes, page). */
  "visitor:updated": (visitor: VisitorProfile) => void;
}

export type SocketData = { actor: Actor };

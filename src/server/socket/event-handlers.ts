// The client's socket events and their handlers: createApp gives every socket one listener (onAny) that
// looks the event up here.
import { agentGetSettings, agentUpdateSettings } from "./handlers/agent-settings.ts";
import { cannedDelete, cannedList, cannedSave } from "./handlers/canned.ts";
import { conversationGet } from "./handlers/conversation-get.ts";
import { conversationList } from "./handlers/conversation-list.ts";
import { conversationMarkRead } from "./handlers/conversation-mark-read.ts";
import { conversationReopen, conversationResolve } from "./handlers/conversation-status.ts";
import { messageHistory } from "./handlers/message-history.ts";
import { messageSend } from "./handlers/message-send.ts";
import { messageSync } from "./handlers/message-sync.ts";
import { typingSet } from "./handlers/typing-set.ts";
import { visitorBlock, visitorGet, visitorUnblock, visitorUpdateProfile } from "./handlers/visitor.ts";
import type { ClientToServerEvents } from "./contract.ts";
import type { SocketCtx } from "./types.ts";

export type Handler = (ctx: SocketCtx) => (...args: unknown[]) => Promise<void>;
/** The client's events (docs/protocol.md), each with its handler (the type makes sure none is missing). */
const HANDLER_OF: { [Event in keyof ClientToServerEvents]: Handler } = {
  "conversation:list": conversationList,
  "conversation:get": conversationGet,
  "message:send": messageSend,
  "message:sync": messageSync,
  "message:history": messageHistory,
  "conversation:mark-read": conversationMarkRead,
  "conversation:resolve": conversationResolve,
  "conversation:reopen": conversationReopen,
  "typing:set": typingSet,
  "agent:get-settings": agentGetSettings,
  "agent:update-settings": agentUpdateSettings,
  "canned:list": cannedList,
  "canned:save": cannedSave,
  "canned:delete": cannedDelete,
  "visitor:get": visitorGet,
  "visitor:block": visitorBlock,
  "visitor:unblock": visitorUnblock,
  "visitor:update-profile": visitorUpdateProfile,
};
// A Map, so that an event named like an Object property ("constructor", "__proto__") finds nothing.
export const SOCKET_HANDLERS: ReadonlyMap<string, Handler> = new Map(Object.entries(HANDLER_OF));

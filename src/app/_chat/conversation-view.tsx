"use client";

import type { CannedReply } from "../../server/socket/contract.ts";
import { useCallback } from "react";
import { useT } from "../_i18n/i18n-provider.tsx";
import { chatMessages } from "../_i18n/messages/chat.ts";
import type { ChatClient, ChatState } from "./chat-client.ts";
import { Composer } from "./composer.tsx";
import { FileDropZone } from "./file-drop-zone.tsx";
import { MessageList } from "./message-list.tsx";

type Props = {
  client: ChatClient;
  state: ChatState;
  conversationId: string;
  peerLastReadSeq: number;
  peerLabel: string;
  emptyText: string;
  placeholder: string;
  cannedReplies?: readonly CannedReply[];
};

/** One open conversation, the same in the widget and the console: its log, its message box, and files dropped on either. */
export function ConversationView({ client, state, conversationId, peerLastReadSeq, peerLabel, emptyText, placeholder, cannedReplies }: Props) {
  const t = useT(chatMessages);
  const sendFiles = (files: File[]) => client.sendFiles(conversationId, files);
  const history = state.history[conversationId];
  const loadOlder = useCallback(() => void client.loadOlder(conversationId), [client, conversationId]);
  return (
    <FileDropZone onFiles={sendFiles} className="flex min-h-0 flex-1 flex-col">
      <MessageList
        key={conversationId} // a list of its own per conversation: its scroll position and paging start afresh
        messages={state.messages[conversationId] ?? []}
        pending={state.outbox.filter((o) => o.conversationId === conversationId)}
        uploads={state.uploads.filter((u) => u.conversationId === conversationId)}
        selfDeviceId={client.deviceId}
        peerLastReadSeq={peerLastReadSeq}
        peerLabel={peerLabel}
        emptyText={emptyText}
        loaded={history !== undefined}
        hasMore={history?.hasMore ?? false}
        loadingOlder={history?.loadingOlder ?? false}
        onLoadOlder={loadOlder}
        onDismissUpload={(id) => client.dismissUpload(id)}
        onDiscard={(clientMsgId) => client.discard(clientMsgId)}
      />
      {state.peerTyping[conversationId] && (
        <p role="status" className="px-4 pb-1 text-xs italic text-slate-500">
          {t("isTyping", { name: peerLabel })}
        </p>
      )}
      <Composer
        placeholder={placeholder}
        cannedReplies={cannedReplies}
        onSend={(body) => client.send(conversationId, body)}
        onAttach={sendFiles}
        onTyping={(isTyping) => client.setTyping(conversationId, isTyping)}
      />
    </FileDropZone>
  );
}

"use client";

import { useState, type ReactNode } from "react";
import type { ChatClient, ChatState } from "../../_chat/chat-client.ts";
import { ConversationView } from "../../_chat/conversation-view.tsx";
import type { CannedReply, InboxEntry } from "../../../server/socket/contract.ts";
import { useLocale, useT } from "../../_i18n/i18n-provider.tsx";
import { consoleMessages } from "../../_i18n/messages/console.ts";
import { OnlineDot } from "./inbox-row.tsx";

/** `actions`: more buttons for the header, before Resolve (the console's Visitor button on narrow screens). */
type Props = { client: ChatClient; state: ChatState; current: InboxEntry; onBack: () => void; cannedReplies?: readonly CannedReply[]; actions?: ReactNode };

/** The open conversation: who it is with, their presence, resolve/reopen, and the chat itself. On a phone, Back returns to the list. */
export function ConversationPane({ client, state, current, onBack, cannedReplies, actions }: Props) {
  const t = useT(consoleMessages);
  const locale = useLocale();
  const label = current.peer.label;
  return (
    <>
      <div className="flex min-w-0 items-center gap-2 border-b border-slate-200 bg-white px-2 py-2 md:px-4 md:py-3">
        <button
          type="button"
          onClick={onBack}
          aria-label={t("backToList")}
          className="flex shrink-0 items-center gap-1 rounded-lg px-2 py-1 text-sm font-medium text-brand-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600 md:hidden"
        >
          <span aria-hidden="true">‹</span>
          {t("back")}
        </button>
        <OnlineDot online={current.peerOnline} />
        <div className="flex min-w-0 flex-1 flex-col md:flex-row md:items-baseline md:gap-2">
          <h2 className="truncate font-semibold">{label}</h2>
          <span className="truncate text-xs text-slate-500">
            {current.peerOnline ? t("peerOnline") : t("lastSeen", { time: new Date(current.peer.lastSeenAt).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }) })}
          </span>
        </div>
        {actions}
        <StatusButton key={current.id} status={current.status} onChange={(status) => client.setStatus(current.id, status)} />
      </div>
      <ConversationView
        key={current.id}
        client={client}
        state={state}
        conversationId={current.id}
        peerLastReadSeq={current.peerLastReadSeq}
        peerLabel={label}
        emptyText={t("noMessages")}
        placeholder={t("replyTo", { name: label })}
        cannedReplies={cannedReplies}
      />
    </>
  );
}

/** Resolve an open conversation, or reopen a resolved one; a refusal (say, while offline) is shown beside it. */
function StatusButton({ status, onChange }: { status: "open" | "resolved"; onChange: (status: "open" | "resolved") => Promise<void> }) {
  const t = useT(consoleMessages);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = status === "open" ? "resolved" : "open";
  const click = () => {
    setBusy(true);
    setError(null);
    onChange(next)
      .catch((err: Error) => setError(err.message))
      .finally(() => setBusy(false));
  };
  return (
    <span className="flex shrink-0 items-center gap-2">
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {t("notSaved", { error })}
        </span>
      )}
      {status === "resolved" && <span className="hidden text-xs font-medium text-slate-500 sm:inline">{t("resolvedBadge")}</span>}
      <button
        type="button"
        onClick={click}
        disabled={busy}
        className="rounded-lg border border-slate-300 px-3 py-1 text-sm font-medium whitespace-nowrap text-slate-700 hover:bg-slate-100 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        {status === "open" ? t("resolve") : t("reopen")}
      </button>
    </span>
  );
}

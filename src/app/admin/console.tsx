"use client";

import { useEffect, useMemo, useState } from "react";
import type { InboxEntry, MessageView } from "../../server/socket/contract.ts";
import { ConnectionBanner } from "../_chat/connection-banner.tsx";
import { ConversationView } from "../_chat/conversation-view.tsx";
import { useChatClient } from "../_chat/use-chat.ts";
import { signOutAction } from "./actions.ts";
import { VisitorPanel } from "./visitor-panel.tsx";

type Agent = { deviceId: string; name: string; identifier: string };

/** The agent console: every visitor talking to this agent, live, and the open conversation. */
export function Console({ agent, snippet, identitySecret }: { agent: Agent; snippet: string; identitySecret: string }) {
  const { client, state } = useChatClient(useMemo(() => ({ deviceId: agent.deviceId }), [agent.deviceId]));
  const [selected, setSelected] = useState<string | null>(null);
  const inbox = useMemo(() => Object.values(state.inbox).sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt)), [state.inbox]);
  const totalUnread = inbox.reduce((sum, entry) => sum + entry.unread, 0);
  useEffect(() => {
    document.title = totalUnread ? `(${totalUnread}) Inbox · Parley` : "Inbox · Parley";
  }, [totalUnread]);
  const open = (id: string) => {
    setSelected(id);
    void client?.open(id);
  };
  const current = selected ? state.inbox[selected] : undefined;

  return (
    <div className="flex h-full flex-col">
      <header className="flex items-center gap-4 border-b border-slate-200 bg-white px-4 py-2">
        <span className="text-lg font-bold text-brand-600">Parley</span>
        <span className="text-sm text-slate-600">{agent.name}</span>
        <form action={signOutAction} className="ml-auto">
          <button type="submit" className="rounded-lg px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
            Sign out
          </button>
        </form>
      </header>
      <ConnectionBanner connection={state.connection} />
      <div className="flex min-h-0 flex-1">
        <nav aria-label="Conversations" className="flex w-80 shrink-0 flex-col border-r border-slate-200 bg-white">
          <h2 className="px-4 pt-4 pb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Inbox</h2>
          <ul className="flex-1 overflow-y-auto">
            {inbox.length === 0 && <li className="px-4 py-6 text-sm text-slate-500">No conversations yet. Put the snippet on your site and visitors' messages appear here.</li>}
            {inbox.map((entry) => (
              <InboxRow key={entry.id} entry={entry} isSelected={entry.id === selected} onOpen={() => open(entry.id)} />
            ))}
          </ul>
          <Snippet snippet={snippet} identitySecret={identitySecret} />
        </nav>
        <section aria-label="Conversation" className="flex min-w-0 flex-1 flex-col bg-slate-50">
          {current && client ? (
            <>
              <div className="flex items-center gap-2 border-b border-slate-200 bg-white px-4 py-3">
                <OnlineDot online={current.peerOnline} />
                <h2 className="font-semibold">{current.peer.label}</h2>
                <span className="text-xs text-slate-500">{current.peerOnline ? "Online" : `Last seen ${new Date(current.peer.lastSeenAt).toLocaleString()}`}</span>
                <StatusButton key={current.id} status={current.status} onChange={(status) => client.setStatus(current.id, status)} />
              </div>
              <ConversationView
                key={current.id}
                client={client}
                state={state}
                conversationId={current.id}
                peerLastReadSeq={current.peerLastReadSeq}
                peerLabel={current.peer.label}
                emptyText="No messages yet."
                placeholder={`Reply to ${current.peer.label}…`}
              />
            </>
          ) : (
            <p className="m-auto text-sm text-slate-500">Pick a conversation on the left.</p>
          )}
        </section>
        {current && client && <VisitorPanel client={client} entry={current} />}
      </div>
    </div>
  );
}

function InboxRow({ entry, isSelected, onOpen }: { entry: InboxEntry; isSelected: boolean; onOpen: () => void }) {
  const time = new Date(entry.lastMessageAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <li>
      <button
        type="button"
        onClick={onOpen}
        aria-current={isSelected ? "true" : undefined}
        className={`flex w-full items-start gap-3 border-b border-slate-100 px-4 py-3 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600 ${isSelected ? "bg-brand-50" : ""}`}
      >
        <span className="relative mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-slate-200 text-sm font-semibold text-slate-700">
          {entry.peer.label.slice(0, 1)}
          <span className="absolute -right-0.5 -bottom-0.5">
            <OnlineDot online={entry.peerOnline} />
          </span>
        </span>
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className="flex min-w-0 items-center gap-1.5">
              <span className="truncate text-sm font-semibold">{entry.peer.label}</span>
              {entry.status === "resolved" && <span className="shrink-0 rounded-full bg-slate-100 px-1.5 py-px text-[10px] font-semibold uppercase tracking-wide text-slate-600">Resolved</span>}
            </span>
            <time className="shrink-0 text-xs text-slate-500">{time}</time>
          </span>
          <span className="mt-0.5 flex items-center justify-between gap-2">
            <span className="truncate text-sm text-slate-600">{entry.lastMessage ? preview(entry.lastMessage) : ""}</span>
            {entry.unread > 0 && (
              <span aria-label={`${entry.unread} unread`} className="rounded-full bg-brand-600 px-2 py-0.5 text-xs font-semibold text-white">
                {entry.unread}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

/** Resolve an open conversation, or reopen a resolved one; a refusal (say, while offline) is shown beside it. */
function StatusButton({ status, onChange }: { status: "open" | "resolved"; onChange: (status: "open" | "resolved") => Promise<void> }) {
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
    <span className="ml-auto flex items-center gap-2">
      {error && <span role="alert" className="text-xs text-red-600">Not saved: {error}</span>}
      {status === "resolved" && <span className="text-xs font-medium text-slate-500">Resolved</span>}
      <button
        type="button"
        onClick={click}
        disabled={busy}
        className="rounded-lg border border-slate-300 px-3 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        {status === "open" ? "Resolve" : "Reopen"}
      </button>
    </span>
  );
}

/** The inbox line for a message: its text, or for a file without a caption what it is. */
function preview({ body, attachment }: MessageView): string {
  if (body || !attachment) return body;
  return attachment.kind === "image" ? "Photo" : attachment.name;
}

function OnlineDot({ online }: { online: boolean }) {
  return (
    <span
      role="img"
      aria-label={online ? "online" : "offline"}
      className={`block h-2.5 w-2.5 rounded-full ring-2 ring-white ${online ? "bg-emerald-500" : "bg-slate-300"}`}
    />
  );
}

function Snippet({ snippet, identitySecret }: { snippet: string; identitySecret: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => navigator.clipboard.writeText(snippet).then(() => setCopied(true), () => setCopied(false));
  return (
    <div className="border-t border-slate-200 p-4">
      <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Your widget</h2>
      <p className="mt-1 text-xs text-slate-600">Paste this into your website's HTML:</p>
      <code aria-label="Embed snippet" className="mt-2 block break-all rounded-lg bg-slate-900 p-2 text-[11px] text-slate-100">
        {snippet}
      </code>
      <button type="button" onClick={copy} className="mt-2 rounded-lg bg-slate-100 px-3 py-1 text-xs font-medium hover:bg-slate-200">
        {copied ? "Copied" : "Copy snippet"}
      </button>
      <details className="mt-3 text-xs text-slate-600">
        <summary className="cursor-pointer font-medium text-slate-700">Identity verification</summary>
        <p className="mt-1">
          Signed-in users of your site can keep one history on every device: add <code>data-user-id</code> and{" "}
          <code>data-user-hash</code> to the snippet, where the hash is the hex HMAC-SHA256 of the user ID, computed on your server with
          this secret. Never put the secret in a web page.
        </p>
        <code aria-label="Identity verification secret" className="mt-2 block break-all rounded-lg bg-slate-100 p-2 text-[11px] text-slate-800">
          {identitySecret}
        </code>
      </details>
    </div>
  );
}

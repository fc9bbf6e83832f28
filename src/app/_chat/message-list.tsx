"use client";

import { Fragment, useEffect, useRef, useState, type ReactNode } from "react";
import type { MessageView, UploadView } from "../../server/socket/contract.ts";
import { FileMessage, ImageMessage, ImageViewer, UploadCard } from "./attachment.tsx";
import type { Outgoing, PendingUpload } from "./chat-client.ts";
import { linkify } from "./linkify.ts";

type Props = {
  messages: readonly MessageView[];
  pending: readonly Outgoing[];
  uploads: readonly PendingUpload[];
  selfDeviceId: string;
  peerLastReadSeq: number;
  peerLabel: string;
  emptyText: string;
  onDismissUpload: (id: string) => void;
  onDiscard: (clientMsgId: string) => void;
};

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** The local calendar day of a moment, as a comparable key. */
const dayKey = (date: Date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;

/** "Today", "Yesterday", or the date, for a separator between messages of different local days. */
export function dayLabel(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (dayKey(date) === dayKey(now)) return "Today";
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return "Yesterday";
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString([], { weekday: sameYear ? "long" : undefined, day: "numeric", month: "long", year: sameYear ? undefined : "numeric" });
}

/**
 * The conversation as a log: confirmed messages by seq, then this side's unacknowledged ones as "Sending…",
 * then files still uploading.
 */
export function MessageList({ messages, pending, uploads, selfDeviceId, peerLastReadSeq, peerLabel, emptyText, onDismissUpload, onDiscard }: Props) {
  const end = useRef<HTMLLIElement>(null);
  const [viewing, setViewing] = useState<UploadView | null>(null);
  const count = messages.length + pending.length + uploads.length;
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" }); // braces: in current Chromium this returns a promise, which an effect must not
  }, [count]);
  const lastOwn = [...messages].reverse().find((m) => m.senderDeviceId === selfDeviceId);
  return (
    <>
      <ol role="log" aria-label="Messages" aria-live="polite" className="flex flex-1 flex-col gap-2 overflow-y-auto p-4">
        {count === 0 && <li className="m-auto text-sm text-slate-500">{emptyText}</li>}
        {messages.map((m, i) => {
          const isOwn = m.senderDeviceId === selfDeviceId;
          const startsDay = i === 0 || dayKey(new Date(messages[i - 1]!.createdAt)) !== dayKey(new Date(m.createdAt));
          return (
            <Fragment key={m.seq}>
              {startsDay && <DaySeparator iso={m.createdAt} />}
              <li data-seq={m.seq} className={`flex flex-col ${isOwn ? "items-end" : "items-start"}`}>
                <Content body={m.body} attachment={m.attachment} isOwn={isOwn} label={isOwn ? "You" : peerLabel} onOpen={setViewing} />
                <span className="mt-0.5 px-1 text-[11px] text-slate-500">
                  {time(m.createdAt)}
                  {isOwn && m === lastOwn && (m.seq <= peerLastReadSeq ? " · Read" : " · Delivered")}
                </span>
              </li>
            </Fragment>
          );
        })}
        {pending.length > 0 && (messages.length === 0 || dayKey(new Date(messages.at(-1)!.createdAt)) !== dayKey(new Date())) && <DaySeparator iso={new Date().toISOString()} />}
        {pending.map((o) => (
          <li key={o.clientMsgId} className="flex flex-col items-end">
            <Content body={o.body} attachment={o.attachment ?? null} isOwn label="You" faded onOpen={setViewing} />
            {o.status === "failed" ? (
              <span className="mt-0.5 flex items-center gap-2 px-1 text-[11px] text-red-600">
                Not sent: {o.error ?? "refused"}
                <button type="button" onClick={() => onDiscard(o.clientMsgId)} className="font-semibold underline hover:text-red-800">
                  Dismiss
                </button>
              </span>
            ) : (
              <span className="mt-0.5 px-1 text-[11px] text-slate-500">Sending…</span>
            )}
          </li>
        ))}
        {uploads.map((u) => (
          <li key={u.id} className="flex flex-col items-end">
            <UploadCard upload={u} onDismiss={() => onDismissUpload(u.id)} />
          </li>
        ))}
        <li ref={end} aria-hidden className="h-px" />
      </ol>
      {viewing && <ImageViewer attachment={viewing} onClose={() => setViewing(null)} />}
    </>
  );
}

/** A day's heading in the log: a separator, not a list item, so the log's items stay its messages. */
function DaySeparator({ iso }: { iso: string }) {
  return (
    <li role="separator" aria-label={dayLabel(iso)} className="my-1 flex items-center gap-3 text-[11px] font-medium text-slate-500">
      <span aria-hidden className="h-px flex-1 bg-slate-200" />
      <span aria-hidden>{dayLabel(iso)}</span>
      <span aria-hidden className="h-px flex-1 bg-slate-200" />
    </li>
  );
}

/** Message text as React nodes: http(s) addresses become links that open in a new tab; everything else stays text. */
export function LinkifiedText({ text }: { text: string }): ReactNode {
  return linkify(text).map((part, i) =>
    part.kind === "link" ? (
      <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow" className="break-all underline underline-offset-2">
        {part.text}
      </a>
    ) : (
      <Fragment key={i}>{part.text}</Fragment>
    ),
  );
}

type ContentProps = { body: string; attachment: UploadView | null; isOwn: boolean; label: string; faded?: boolean; onOpen: (attachment: UploadView) => void };

function Content({ body, attachment, isOwn, label, faded, onOpen }: ContentProps) {
  if (attachment?.kind === "image") return <ImageMessage attachment={attachment} caption={body} isOwn={isOwn} label={label} faded={faded} onOpen={onOpen} />;
  if (attachment) return <FileMessage attachment={attachment} caption={body} isOwn={isOwn} label={label} faded={faded} />;
  return <Bubble isOwn={isOwn} body={body} label={label} faded={faded} />;
}

function Bubble({ isOwn, body, label, faded }: { isOwn: boolean; body: string; label: string; faded?: boolean }) {
  return (
    <p
      aria-label={`${label}: ${body}`}
      className={`max-w-[80%] whitespace-pre-wrap break-words rounded-2xl px-3.5 py-2 text-sm shadow-sm ${
        isOwn ? "rounded-br-md bg-brand-600 text-white" : "rounded-bl-md bg-white text-slate-900 ring-1 ring-slate-200"
      } ${faded ? "opacity-70" : ""}`}
    >
      <LinkifiedText text={body} />
    </p>
  );
}

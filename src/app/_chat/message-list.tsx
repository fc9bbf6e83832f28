"use client";

import { useEffect, useRef } from "react";
import type { MessageView } from "../../server/socket/contract.ts";
import type { Outgoing } from "./chat-client.ts";

type Props = {
  messages: readonly MessageView[];
  pending: readonly Outgoing[];
  selfDeviceId: string;
  peerLastReadSeq: number;
  peerLabel: string;
  emptyText: string;
};

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** The conversation as a log: confirmed messages by seq, then this side's unacknowledged ones as "Sending…". */
export function MessageList({ messages, pending, selfDeviceId, peerLastReadSeq, peerLabel, emptyText }: Props) {
  const end = useRef<HTMLLIElement>(null);
  const count = messages.length + pending.length;
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" }); // braces: in current Chromium this returns a promise, which an effect must not
  }, [count]);
  const lastOwn = [...messages].reverse().find((m) => m.senderDeviceId === selfDeviceId);
  return (
    <ol role="log" aria-label="Messages" aria-live="polite" className="flex flex-1 flex-col gap-2 overflow-y-auto p-4">
      {count === 0 && <li className="m-auto text-sm text-slate-500">{emptyText}</li>}
      {messages.map((m) => {
        const isOwn = m.senderDeviceId === selfDeviceId;
        return (
          <li key={m.seq} data-seq={m.seq} className={`flex flex-col ${isOwn ? "items-end" : "items-start"}`}>
            <Bubble isOwn={isOwn} body={m.body} label={isOwn ? "You" : peerLabel} />
            <span className="mt-0.5 px-1 text-[11px] text-slate-500">
              {time(m.createdAt)}
              {isOwn && m === lastOwn && (m.seq <= peerLastReadSeq ? " · Read" : " · Delivered")}
            </span>
          </li>
        );
      })}
      {pending.map((o) => (
        <li key={o.clientMsgId} className="flex flex-col items-end">
          <Bubble isOwn body={o.body} label="You" faded />
          <span className={`mt-0.5 px-1 text-[11px] ${o.status === "failed" ? "text-red-600" : "text-slate-500"}`}>
            {o.status === "failed" ? `Not sent: ${o.error ?? "refused"}` : "Sending…"}
          </span>
        </li>
      ))}
      <li ref={end} aria-hidden className="h-px" />
    </ol>
  );
}

function Bubble({ isOwn, body, label, faded }: { isOwn: boolean; body: string; label: string; faded?: boolean }) {
  return (
    <p
      aria-label={`${label}: ${body}`}
      className={`max-w-[80%] whitespace-pre-wrap break-words rounded-2xl px-3.5 py-2 text-sm shadow-sm ${
        isOwn ? "rounded-br-md bg-brand-600 text-white" : "rounded-bl-md bg-white text-slate-900 ring-1 ring-slate-200"
      } ${faded ? "opacity-70" : ""}`}
    >
      {body}
    </p>
  );
}

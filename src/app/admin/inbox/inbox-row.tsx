"use client";

import type { InboxEntry } from "../../../server/socket/contract.ts";
import { useLocale, useT } from "../../_i18n/i18n-provider.tsx";
import { consoleMessages } from "../../_i18n/messages/console.ts";
import { excerpt, previewOf } from "./inbox-view.ts";

type Props = { entry: InboxEntry; query: string; isSelected: boolean; onOpen: () => void };

/** One conversation in the list: visitor, status, time, newest message, unread count, and with a search the message that matched. */
export function InboxRow({ entry, query, isSelected, onOpen }: Props) {
  const t = useT(consoleMessages);
  const time = useShortTime(entry.lastMessageAt);
  return (
    <li>
      <button
        type="button"
        onClick={onOpen}
        aria-current={isSelected ? "true" : undefined}
        data-inbox-row=""
        className={`flex w-full items-start gap-3 border-b border-slate-100 px-4 py-3 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600 ${isSelected ? "bg-brand-50" : ""}`}
      >
        <span className="relative mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-slate-200 text-sm font-semibold text-slate-700">
          {entry.peer.label.slice(0, 1)}
          <span className="absolute -right-0.5 -bottom-0.5">
            <OnlineDot online={entry.peerOnline} />
          </span>
        </span>
        <span className="block min-w-0 flex-1">
          {/* The label takes what is left: a long one is cut short, the badge and the time always show. */}
          <span className="flex min-w-0 items-baseline gap-1.5">
            <span className="min-w-0 truncate text-sm font-semibold">{entry.peer.label}</span>
            {entry.status === "resolved" && (
              <span className="shrink-0 self-center rounded-full bg-slate-100 px-1.5 py-px text-[10px] font-semibold uppercase tracking-wide text-slate-600">{t("resolvedBadge")}</span>
            )}
            <time dateTime={entry.lastMessageAt} className="ml-auto shrink-0 pl-1 text-xs whitespace-nowrap text-slate-500">
              {time}
            </time>
          </span>
          <span className="mt-0.5 flex min-w-0 items-center gap-2">
            <span className="min-w-0 flex-1 truncate text-sm text-slate-600">{entry.lastMessage ? previewOf(entry.lastMessage, t("photo")) : ""}</span>
            {entry.unread > 0 && (
              <span aria-label={t("unreadCount", { count: entry.unread })} className="shrink-0 rounded-full bg-brand-600 px-2 py-0.5 text-xs font-semibold text-white">
                {entry.unread}
              </span>
            )}
          </span>
          {entry.match && <MatchLine body={entry.match.body} query={query} label={t("matchingMessage")} />}
        </span>
      </button>
    </li>
  );
}

function MatchLine({ body, query, label }: { body: string; query: string; label: string }) {
  const { before, match, after } = excerpt(body, query);
  return (
    <span className="mt-1 block truncate rounded bg-amber-50 px-1.5 py-0.5 text-xs text-slate-700" data-testid="match">
      <span className="sr-only">{label} </span>
      {before}
      {match && <mark className="rounded-sm bg-amber-200 px-px text-slate-900">{match}</mark>}
      {after}
    </span>
  );
}

export function OnlineDot({ online }: { online: boolean }) {
  const t = useT(consoleMessages);
  return <span role="img" aria-label={online ? t("online") : t("offline")} className={`block h-2.5 w-2.5 rounded-full ring-2 ring-white ${online ? "bg-emerald-500" : "bg-slate-300"}`} />;
}

/** Today: the time; earlier: the date. */
function useShortTime(iso: string): string {
  const locale = useLocale();
  const at = new Date(iso);
  const isToday = at.toDateString() === new Date().toDateString();
  return isToday ? at.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" }) : at.toLocaleDateString(locale, { month: "short", day: "numeric" });
}

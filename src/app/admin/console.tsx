"use client";

import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { InboxFilter } from "../../server/socket/contract.ts";
import { ConnectionBanner } from "../_chat/connection-banner.tsx";
import { useChatClient } from "../_chat/use-chat.ts";
import { useT } from "../_i18n/i18n-provider.tsx";
import { consoleMessages } from "../_i18n/messages/console.ts";
import { signOutAction } from "./actions.ts";
import { useCannedReplies } from "./canned-replies.ts";
import { Snippet } from "./snippet.tsx";
import { VisitorButton, VisitorPanel } from "./visitor-panel.tsx";
import { AlertsMenu } from "./inbox/alerts-menu.tsx";
import { ConversationPane } from "./inbox/conversation-pane.tsx";
import { InboxPanel } from "./inbox/inbox-panel.tsx";
import { useAlerts } from "./inbox/use-alerts.ts";
import { useInboxList } from "./inbox/use-inbox-list.ts";

type Agent = { deviceId: string; name: string; identifier: string };

const SEARCH_SETTLE_MS = 250;

/**
 * The agent console: every visitor talking to this agent, live, searchable and filtered, and the open
 * conversation. On a phone the list and the conversation take the whole screen in turn.
 */
export function Console({ agent, snippet, identitySecret }: { agent: Agent; snippet: string; identitySecret: string }) {
  const t = useT(consoleMessages);
  const { client, state } = useChatClient(useMemo(() => ({ deviceId: agent.deviceId }), [agent.deviceId]));
  const cannedReplies = useCannedReplies(client);
  const [selected, setSelected] = useState<string | null>(null);
  // The visitor drawer of narrow screens, open for one conversation: picking another closes it.
  const [visitorOpenFor, setVisitorOpenFor] = useState<string | null>(null);
  const [filter, setFilter] = useState<InboxFilter>("all");
  const [search, setSearch] = useState("");
  const query = useSettled(search.trim(), SEARCH_SETTLE_MS);
  // The row opened from this tab and search stays in it while it changes (read, resolved): it would be odd to
  // see it vanish under the pointer. Another tab or search lists strictly by what it asks for.
  const [kept, setKept] = useState<string | null>(null);
  useEffect(() => setKept(null), [filter, query]);
  const list = useInboxList(client, state, filter, query, kept);

  const totalUnread = useMemo(() => Object.values(state.inbox).reduce((sum, entry) => sum + entry.unread, 0), [state.inbox]);
  useEffect(() => {
    document.title = totalUnread ? t("pageTitleUnread", { count: totalUnread }) : t("pageTitle");
  }, [totalUnread, t]);

  const open = useCallback(
    (id: string) => {
      setSelected(id);
      setKept(id);
      void client?.open(id);
    },
    [client],
  );
  const alerts = useAlerts({ inbox: state.inbox, onOpen: open, photo: t("photo") });
  const current = selected ? (state.inbox[selected] ?? list.rows.find((entry) => entry.id === selected)) : undefined;

  return (
    <div className="flex h-full flex-col">
      <header className="flex items-center gap-2 border-b border-slate-200 bg-white px-3 py-1.5 md:gap-4 md:px-4 md:py-2">
        <span className="text-lg font-bold text-brand-600">Parley</span>
        <span className="hidden min-w-0 truncate text-sm text-slate-600 sm:inline">{agent.name}</span>
        <div className="ml-auto flex items-center gap-1">
          <AlertsMenu prefs={alerts.prefs} permission={alerts.permission} onNotify={(on) => void alerts.setNotify(on)} onSound={alerts.setSound} />
          <Link href="/admin/settings" className="rounded-lg px-2.5 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 md:px-3">
            {t("settings")}
          </Link>
          <form action={signOutAction}>
            <button type="submit" className="rounded-lg px-2.5 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 md:px-3">
              {t("signOut")}
            </button>
          </form>
        </div>
      </header>
      <ConnectionBanner connection={state.connection} />
      <div className="flex min-h-0 flex-1">
        <nav aria-label={t("conversations")} className={`${current ? "hidden md:flex" : "flex"} w-full shrink-0 flex-col border-slate-200 bg-white md:w-80 md:border-r`}>
          <InboxPanel list={list} filter={filter} onFilter={setFilter} search={search} onSearch={setSearch} query={query} selected={selected} onOpen={open} />
          <Snippet snippet={snippet} identitySecret={identitySecret} />
        </nav>
        <section aria-label={t("conversation")} className={`${current ? "flex" : "hidden md:flex"} min-w-0 flex-1 flex-col bg-slate-50`}>
          {current && client ? (
            <ConversationPane
              client={client}
              state={state}
              current={current}
              onBack={() => {
                setSelected(null);
                client.leave();
              }}
              cannedReplies={cannedReplies}
              actions={<VisitorButton entry={current} isOpen={visitorOpenFor === current.id} onOpen={() => setVisitorOpenFor(current.id)} />}
            />
          ) : (
            <p className="m-auto text-sm text-slate-500">{t("pickConversation")}</p>
          )}
        </section>
        {current && client && <VisitorPanel client={client} entry={current} isOpen={visitorOpenFor === current.id} onOpenChange={(isOpen) => setVisitorOpenFor(isOpen ? current.id : null)} />}
      </div>
    </div>
  );
}

/** `value` once it has stopped changing for `ms` (a search is asked for when the typing pauses, not per key). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

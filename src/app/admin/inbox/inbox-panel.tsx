"use client";

import { useEffect, useId, useRef, type KeyboardEvent } from "react";
import type { InboxFilter } from "../../../server/socket/contract.ts";
import { useT } from "../../_i18n/i18n-provider.tsx";
import { consoleMessages } from "../../_i18n/messages/console.ts";
import { InboxRow } from "./inbox-row.tsx";
import type { InboxList } from "./use-inbox-list.ts";

const FILTERS = [
  ["all", "filterAll"],
  ["open", "filterOpen"],
  ["resolved", "filterResolved"],
  ["unread", "filterUnread"],
  ["online", "filterOnline"],
] as const satisfies readonly (readonly [InboxFilter, keyof (typeof consoleMessages)["en"]])[];

const EMPTY_TEXT = { all: "noConversations", open: "emptyOpen", resolved: "emptyResolved", unread: "emptyUnread", online: "emptyOnline" } as const;

type Props = {
  list: InboxList;
  filter: InboxFilter;
  onFilter: (filter: InboxFilter) => void;
  search: string;
  onSearch: (text: string) => void;
  /** The query the list is for (the search box, trimmed and settled). */
  query: string;
  selected: string | null;
  onOpen: (conversationId: string) => void;
};

/** The searchable, filterable inbox: tabs, search box, rows (paged in as the list scrolls), and what to say when it is empty. */
export function InboxPanel({ list, filter, onFilter, search, onSearch, query, selected, onOpen }: Props) {
  const t = useT(consoleMessages);
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const { loadMore, hasMore } = list;

  // Near the bottom of the list, the next page comes by itself; the button stays for keyboards and old browsers.
  useEffect(() => {
    if (!hasMore || !sentinel.current || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((seen) => seen.some((s) => s.isIntersecting) && loadMore(), { root: scroller.current, rootMargin: "200px" });
    observer.observe(sentinel.current);
    return () => observer.disconnect();
  }, [hasMore, loadMore]);

  // Arrow keys move between the tabs (the selected one is the only tab stop), and between rows.
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const index = FILTERS.findIndex(([value]) => value === filter);
    const next = FILTERS[(index + step + FILTERS.length) % FILTERS.length]![0];
    onFilter(next);
    event.currentTarget.querySelector<HTMLButtonElement>(`[data-filter="${next}"]`)?.focus();
  };
  const onRowKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const step = event.key === "ArrowDown" ? 1 : event.key === "ArrowUp" ? -1 : 0;
    if (!step) return;
    const rows = [...event.currentTarget.querySelectorAll<HTMLButtonElement>("[data-inbox-row]")];
    const at = rows.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    rows[Math.min(rows.length - 1, Math.max(0, at + step))]?.focus();
  };

  const isEmpty = list.rows.length === 0;
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="space-y-2 border-b border-slate-200 px-3 pt-3 pb-2">
        <div className="flex items-center justify-between px-1">
          <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("inbox")}</h2>
        </div>
        <div className="relative">
          <input
            type="search"
            value={search}
            onChange={(event) => onSearch(event.target.value)}
            onKeyDown={(event) => event.key === "Escape" && search && (event.preventDefault(), onSearch(""))}
            aria-label={t("search")}
            placeholder={t("searchPlaceholder")}
            maxLength={200}
            className="w-full rounded-lg border border-slate-300 bg-white py-1.5 pr-8 pl-8 text-sm placeholder:text-slate-400 focus:border-brand-500 focus:outline-2 focus:outline-brand-500 [&::-webkit-search-cancel-button]:hidden"
          />
          <SearchIcon />
          {search && (
            <button
              type="button"
              onClick={() => onSearch("")}
              aria-label={t("clearSearch")}
              className="absolute top-1/2 right-1 flex h-6 w-6 -translate-y-1/2 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
            >
              <span aria-hidden="true">×</span>
            </button>
          )}
        </div>
        <div role="tablist" aria-label={t("filters")} onKeyDown={onTabKey} className="-mx-1 flex gap-1 overflow-x-auto px-1 pb-0.5">
          {FILTERS.map(([value, label]) => (
            <button
              key={value}
              type="button"
              role="tab"
              data-filter={value}
              aria-selected={filter === value}
              aria-controls={panelId}
              tabIndex={filter === value ? 0 : -1}
              onClick={() => onFilter(value)}
              className={`shrink-0 rounded-full px-2.5 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600 ${filter === value ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
            >
              {t(label)}
            </button>
          ))}
        </div>
      </div>
      <div ref={scroller} id={panelId} role="tabpanel" aria-label={t(FILTERS.find(([value]) => value === filter)![1])} aria-busy={list.isLoading || list.isLoadingMore} className="min-h-0 flex-1 overflow-y-auto">
        {!isEmpty && (
          <ul onKeyDown={onRowKey}>
            {list.rows.map((entry) => (
              <InboxRow key={entry.id} entry={entry} query={query} isSelected={entry.id === selected} onOpen={() => onOpen(entry.id)} />
            ))}
          </ul>
        )}
        {isEmpty && <EmptyState list={list} filter={filter} query={query} onClearSearch={() => onSearch("")} />}
        {list.error && !isEmpty && <LoadError message={list.error} onRetry={list.retry} />}
        {hasMore && !list.error && (
          <div ref={sentinel} className="p-3 text-center">
            <button
              type="button"
              onClick={loadMore}
              disabled={list.isLoadingMore}
              className="rounded-lg px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:text-slate-500 focus-visible:outline-2 focus-visible:outline-brand-600"
            >
              {list.isLoadingMore ? t("loadingMore") : t("loadMore")}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function EmptyState({ list, filter, query, onClearSearch }: { list: InboxList; filter: InboxFilter; query: string; onClearSearch: () => void }) {
  const t = useT(consoleMessages);
  if (list.error) return <LoadError message={list.error} onRetry={list.retry} />;
  if (list.isLoading) return <p className="px-4 py-6 text-sm text-slate-500">{t("loading")}</p>;
  return (
    <div role="status" className="px-4 py-6 text-sm text-slate-500">
      <p>{query ? t(filter === "all" ? "noMatch" : "noMatchInFilter", { query }) : t(EMPTY_TEXT[filter])}</p>
      {query && (
        <button type="button" onClick={onClearSearch} className="mt-2 rounded-lg bg-slate-100 px-3 py-1 text-xs font-medium text-slate-700 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-brand-600">
          {t("clearSearch")}
        </button>
      )}
    </div>
  );
}

function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  const t = useT(consoleMessages);
  return (
    <div role="alert" className="px-4 py-4 text-sm text-red-700">
      <p>{t("loadError", { message })}</p>
      <button type="button" onClick={onRetry} className="mt-2 rounded-lg bg-slate-100 px-3 py-1 text-xs font-medium text-slate-700 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-brand-600">
        {t("retry")}
      </button>
    </div>
  );
}

function SearchIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="pointer-events-none absolute top-1/2 left-2.5 h-4 w-4 -translate-y-1/2 text-slate-400" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
      <circle cx="8.5" cy="8.5" r="5.5" />
      <path d="M13 13l4 4" />
    </svg>
  );
}

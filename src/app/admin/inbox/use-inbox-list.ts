"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ChatClient, ChatState } from "../../_chat/chat-client.ts";
import type { InboxFilter } from "../../../server/socket/contract.ts";
import { addPage, NO_PAGES, visibleRows, type LoadedPages } from "./inbox-view.ts";

const PAGE_SIZE = 50;

export type InboxList = {
  rows: ReturnType<typeof visibleRows>;
  /** The first page for this filter and query is on its way (nothing to show yet). */
  isLoading: boolean;
  isLoadingMore: boolean;
  hasMore: boolean;
  error: string | null;
  loadMore: () => void;
  retry: () => void;
};

/**
 * The console's list for one filter and query: pages from `conversation:list`, merged with the ChatClient's
 * live rows (see visibleRows). A new filter or query starts over from the first page; a reconnect refreshes
 * the first page and keeps what was paged in.
 */
export function useInboxList(client: ChatClient | null, state: ChatState, filter: InboxFilter, query: string, keep: string | null): InboxList {
  const [loaded, setLoaded] = useState<{ key: string; pages: LoadedPages; count: number } | null>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const key = `${filter}\n${query}`;
  const keyRef = useRef(key);
  keyRef.current = key;
  const isOnline = state.connection === "online";

  useEffect(() => {
    if (!client || !isOnline) return;
    let isCurrent = true;
    setError(null);
    client
      .request("conversation:list", { limit: PAGE_SIZE, filter, ...(query && { query }) })
      .then((page) => {
        if (!isCurrent) return;
        client.adopt(page.conversations);
        // The same list after a reconnect keeps the pages already loaded; another list starts afresh.
        setLoaded((previous) => {
          if (previous?.key !== key) return { key, pages: addPage(NO_PAGES, page), count: 1 };
          const refreshed = addPage(previous.pages, page);
          const { boundary, nextCursor } = previous.count > 1 ? previous.pages : refreshed; // further pages stay where they were
          return { key, pages: { rows: refreshed.rows, boundary, nextCursor }, count: previous.count };
        });
      })
      .catch((err: Error) => isCurrent && setError(err.message));
    return () => {
      isCurrent = false;
    };
  }, [client, isOnline, filter, query, key, attempt]);

  const pages = loaded?.key === key ? loaded.pages : null;
  const nextCursor = pages?.nextCursor ?? null;

  const loadMore = useCallback(() => {
    if (!client || !nextCursor || isLoadingMore) return;
    const forKey = key;
    setLoadingMore(true);
    client
      .request("conversation:list", { limit: PAGE_SIZE, filter, cursor: nextCursor, ...(query && { query }) })
      .then((page) => {
        client.adopt(page.conversations); // live from now on, whichever list is showing
        if (keyRef.current !== forKey) return;
        setLoaded((previous) => (previous?.key === forKey && previous.pages.nextCursor === nextCursor ? { key: forKey, pages: addPage(previous.pages, page), count: previous.count + 1 } : previous));
      })
      .catch((err: Error) => keyRef.current === forKey && setError(err.message))
      .finally(() => setLoadingMore(false));
  }, [client, nextCursor, isLoadingMore, key, filter, query]);

  const rows = useMemo(() => visibleRows(state.inbox, pages ?? NO_PAGES, filter, query, keep), [state.inbox, pages, filter, query, keep]);
  return {
    rows,
    isLoading: pages === null && !error,
    isLoadingMore,
    hasMore: nextCursor !== null,
    error,
    loadMore,
    retry: () => setAttempt((n) => n + 1),
  };
}

import type { InboxEntry, InboxFilter, MessageView } from "../../../server/socket/contract.ts";

// The pure part of the console's inbox (docs/protocol.md §21): which rows a filtered or searched list shows,
// given the rows the server returned for it and the live rows the ChatClient keeps current. Free of React
// and sockets, so it is unit-tested.

/** What the server returned for one (filter, query), page after page. */
export type LoadedPages = {
  rows: ReadonlyMap<string, InboxEntry>;
  /** The `lastMessageAt` of the last row of the last page: live rows older than it wait for "load more". */
  boundary: string | null;
  nextCursor: string | null;
};

export const NO_PAGES: LoadedPages = { rows: new Map(), boundary: null, nextCursor: null };

/** The next pages added to those loaded; a row already there takes its newer copy. */
export function addPage(loaded: LoadedPages, page: { conversations: readonly InboxEntry[]; nextCursor: string | null }): LoadedPages {
  const rows = new Map(loaded.rows);
  for (const entry of page.conversations) rows.set(entry.id, entry);
  const last = page.conversations.at(-1);
  return { rows, boundary: last?.lastMessageAt ?? loaded.boundary, nextCursor: page.nextCursor };
}

/** Newest activity first, the id breaking ties, exactly as the server orders pages. */
const byActivity = (a: InboxEntry, b: InboxEntry) => b.lastMessageAt.localeCompare(a.lastMessageAt) || b.id.localeCompare(a.id);

/** Whether an entry, as it is now, belongs under a filter tab. */
function passesFilter(entry: InboxEntry, filter: InboxFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "open":
      return entry.status === "open";
    case "resolved":
      return entry.status === "resolved";
    case "unread":
      return entry.unread > 0;
    case "online":
      return entry.peerOnline;
  }
}

const contains = (text: string, query: string) => text.toLocaleLowerCase().includes(query.toLocaleLowerCase());

/**
 * The rows to show. Live rows (the ChatClient's) win over the server's copy, so a row keeps moving, counting
 * and changing status; each is checked against the filter again, so it leaves or joins the tab as it changes.
 * With a query, a row the server found keeps matching (names and messages only grow); a live row it did not
 * return joins when its newest message contains the query, which is all the browser can check.
 * `keep`: a row that stays whatever it became (the conversation open on screen).
 */
export function visibleRows(live: Readonly<Record<string, InboxEntry>>, loaded: LoadedPages, filter: InboxFilter, query: string, keep: string | null): InboxEntry[] {
  const rows: InboxEntry[] = [];
  const seen = new Set<string>();
  const consider = (entry: InboxEntry, fromServer: InboxEntry | undefined) => {
    seen.add(entry.id);
    const current = fromServer?.match ? { ...entry, match: fromServer.match } : entry;
    if (entry.id === keep) return void rows.push(current);
    if (!passesFilter(entry, filter)) return;
    if (!query || fromServer) return void rows.push(current);
    const newest = entry.lastMessage;
    if (newest && contains(newest.body, query)) rows.push({ ...entry, match: { seq: newest.seq, body: newest.body } });
    else if (contains(entry.peer.label, query)) rows.push(entry);
  };
  for (const [id, fromServer] of loaded.rows) consider(live[id] ?? fromServer, fromServer);
  for (const entry of Object.values(live)) {
    if (seen.has(entry.id)) continue;
    const isBeyondLoaded = loaded.nextCursor !== null && loaded.boundary !== null && entry.lastMessageAt < loaded.boundary;
    if (!isBeyondLoaded || entry.id === keep) consider(entry, undefined);
  }
  return rows.sort(byActivity);
}

/** The inbox line for a message: its text, or for a file without a caption what it is (`photo`: the word for an image). */
export function previewOf({ body, attachment }: MessageView, photo: string): string {
  if (body || !attachment) return body;
  return attachment.kind === "image" ? photo : attachment.name;
}

/** Up to `width` characters of `body` around the first occurrence of `query`, split so the match can be marked. */
export function excerpt(body: string, query: string, width = 80): { before: string; match: string; after: string } {
  const flat = body.replace(/\s+/g, " ").trim();
  const at = query ? flat.toLocaleLowerCase().indexOf(query.toLocaleLowerCase()) : -1;
  if (at < 0) return { before: flat.length > width ? `${flat.slice(0, width)}…` : flat, match: "", after: "" };
  const lead = Math.max(0, at - Math.floor((width - query.length) / 3));
  const end = Math.min(flat.length, lead + width);
  return {
    before: `${lead > 0 ? "…" : ""}${flat.slice(lead, at)}`,
    match: flat.slice(at, at + query.length),
    after: `${flat.slice(at + query.length, end)}${end < flat.length ? "…" : ""}`,
  };
}

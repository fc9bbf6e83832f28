import type { CannedReply } from "../../server/socket/contract.ts";

const MAX_SUGGESTIONS = 8;

/** The `/query` being typed at the caret: a "/" at the start of the box or after whitespace, up to the caret. */
export function slashQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)\/([^\s/]*)$/.exec(text.slice(0, caret));
  return match ? { start: match.index + match[1]!.length, query: match[2]!.toLowerCase() } : null;
}

/** Replies whose shortcut starts with the query first, then those whose shortcut or text contains it. */
export function matchReplies(replies: readonly CannedReply[], query: string): CannedReply[] {
  const starts = replies.filter((r) => r.shortcut.startsWith(query));
  const contains = replies.filter((r) => !r.shortcut.startsWith(query) && (r.shortcut.includes(query) || r.body.toLowerCase().includes(query)));
  return [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
}

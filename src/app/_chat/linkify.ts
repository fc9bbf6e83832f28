/** A piece of message text: plain text, or a web address to show as a link. */
export type TextPart = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

// Only http(s) addresses become links; anything else (javascript:, data:, mailto:, file:…) stays text.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that usually ends the sentence rather than the address.
const TRAILING = new Set([".", ",", ";", ":", "!", "?", "'", '"', ")", "]", "}", ">"]);

/**
 * Splits message text into text and links. Each link's href is parsed with the URL constructor and kept only
 * if it really is http: or https:, so what React puts in `href` can never run script.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const candidate = trimTrailing(match[0]);
    const href = safeHref(candidate);
    const start = match.index;
    if (!href) continue;
    if (start > last) parts.push({ kind: "text", text: text.slice(last, start) });
    parts.push({ kind: "link", text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return mergeText(parts);
}

function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? url.href : null;
  } catch {
    return null;
  }
}

/** Drops sentence punctuation after an address, but keeps a ")" that closes a "(" inside it (Wikipedia-style). */
function trimTrailing(candidate: string): string {
  let end = candidate.length;
  while (end > 0 && TRAILING.has(candidate[end - 1]!)) {
    const head = candidate.slice(0, end);
    if (candidate[end - 1] === ")" && count(head, "(") >= count(head, ")")) break;
    end--;
  }
  return candidate.slice(0, end);
}

const count = (text: string, char: string) => text.split(char).length - 1;

function mergeText(parts: TextPart[]): TextPart[] {
  const merged: TextPart[] = [];
  for (const part of parts) {
    const prev = merged.at(-1);
    if (part.kind === "text" && prev?.kind === "text") merged[merged.length - 1] = { kind: "text", text: prev.text + part.text };
    else merged.push(part);
  }
  return merged;
}

export const MAX_NAME_LENGTH = 200;
// Control characters (NUL, newlines, DEL, C1), Unicode line/paragraph separators, and the bidi controls
// that make "invoice‮fdp.exe" read as "invoiceexe.pdf".
const UNSAFE = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const MAX_EXTENSION_LENGTH = 16;

/**
 * The client's file name made fit for display: no directory parts (either slash), no control or bidi
 * characters, at most 200 UTF-16 units keeping the extension, or `fallback` when nothing is left.
 * It is display metadata only: no file on disk is ever named after it.
 */
export function displayName(clientName: string | undefined, fallback: string): string {
  const base = (clientName ?? "").split(/[/\\]/).pop() ?? "";
  const clean = base.replace(UNSAFE, "").trim();
  if (clean === "" || clean === "." || clean === "..") return fallback;
  if (clean.length <= MAX_NAME_LENGTH) return clean;
  const dot = clean.lastIndexOf(".");
  const extension = dot > 0 && clean.length - dot <= MAX_EXTENSION_LENGTH ? clean.slice(dot) : "";
  return truncate(clean.slice(0, clean.length - extension.length), MAX_NAME_LENGTH - extension.length) + extension;
}

/** At most `max` UTF-16 units, never cutting a surrogate pair in half. */
function truncate(text: string, max: number): string {
  let out = "";
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
}

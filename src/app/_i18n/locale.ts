// Parley speaks English and Simplified Chinese, chosen from the browser's languages (Accept-Language on
// the server, navigator.languages in the browser, which agree). Pure functions: usable on both sides.

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];

/** The first of the browser's languages that Parley speaks; any Chinese reads the Simplified text. English otherwise. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const primary = language.trim().toLowerCase().split(/[-_]/)[0];
    if (primary === "zh") return "zh-CN";
    if (primary === "en") return "en";
  }
  return "en";
}

/** The locale for an Accept-Language header ("zh-CN,zh;q=0.9,en;q=0.8"), by descending quality. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return "en";
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = Number(params.find((p) => p.trim().startsWith("q="))?.trim().slice(2) ?? 1);
      return { tag, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return pickLocale(ranked.map((entry) => entry.tag));
}

/** One area's texts in every locale; the Chinese table must have every English key, which the type checks. */
export type Messages<K extends string> = { en: Record<K, string>; "zh-CN": Record<K, string> };
export const defineMessages = <K extends string>(messages: Messages<K>): Messages<K> => messages;

export type Vars = Record<string, string | number>;
/** A text with its `{name}` placeholders filled in. */
export function translate<K extends string>(messages: Messages<K>, locale: Locale, key: K, vars?: Vars): string {
  const template = messages[locale][key] ?? messages.en[key];
  return vars ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : template;
}

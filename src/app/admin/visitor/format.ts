// Pure helpers of the visitor panel (unit-tested in tests/unit/visitor-format.test.ts).

/** The URL when it is a web address (http or https); anything else (javascript:, data:, garbage) is no link. */
export function webUrl(url: string | null): URL | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed : null;
  } catch {
    return null;
  }
}

/** How a page is shown: host, path and query, without the scheme ("shop.example/pricing?plan=pro"). */
export const shownUrl = (url: URL): string => `${url.host}${url.pathname === "/" ? "" : url.pathname}${url.search}`;

/** "Tue 21:05 (Asia/Shanghai)": the visitor's wall clock, from the time zone its browser reported; null without a usable zone. */
export function localTime(now: Date, timezone: string | null, locale: string): string | null {
  if (!timezone) return null;
  try {
    const time = now.toLocaleString(locale, { timeZone: timezone, weekday: "short", hour: "2-digit", minute: "2-digit" });
    return `${time} (${timezone})`;
  } catch {
    return null; // not a time zone this browser knows
  }
}

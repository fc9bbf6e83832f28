import { z } from "zod";

const MAX_ALLOWED_ORIGINS = 100;

/** The origin of an http(s) URL, normalised by the URL parser (`https://Shop.Example:443/x` → `https://shop.example`). */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One entry of an agent's allowed origins: scheme, host and port only. A path would suggest a page-level
 * rule that neither the token endpoint nor the browser (CSP frame-ancestors) can enforce, so it is refused.
 */
// Letters, digits, dots and dashes (an international name arrives as punycode), or a bracketed IPv6 address.
// URL parsers also accept `*`, `;` or `,` in a host; in a CSP header those would widen or rewrite the policy.
const SAFE_HOSTNAME = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])$/;

const allowedOriginSchema = z
  .string()
  .trim()
  .max(2048)
  .transform((raw, ctx) => {
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    const isWeb = url?.protocol === "http:" || url?.protocol === "https:";
    const isOrigin = isWeb && SAFE_HOSTNAME.test(url.hostname) && url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
    if (!url || !isOrigin) {
      ctx.addIssue({ code: "custom", message: `"${raw.slice(0, 100)}" is not an origin: use scheme://host[:port], such as https://shop.example` });
      return z.NEVER;
    }
    return url.origin;
  });

export const allowedOriginsSchema = z
  .array(allowedOriginSchema)
  .max(MAX_ALLOWED_ORIGINS)
  .transform((origins) => [...new Set(origins)]);

/** An empty list allows any page; otherwise the page's origin must be listed (an unknown origin is not). */
export const isOriginAllowed = (allowedOrigins: readonly string[], origin: string | undefined): boolean =>
  allowedOrigins.length === 0 || (origin !== undefined && allowedOrigins.includes(origin));

/** The CSP directive that lets browsers frame the visitor window only on the allowed sites. */
export const frameAncestorsPolicy = (allowedOrigins: readonly string[]): string =>
  `frame-ancestors ${allowedOrigins.length ? allowedOrigins.join(" ") : "*"}`;

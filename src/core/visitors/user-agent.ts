import Bowser from "bowser";

export type ParsedUserAgent = { browser: string | null; os: string | null; deviceType: string | null };

/** "Chrome 142", "iOS 17.1", "mobile" from a User-Agent header; null for whatever it does not say. */
export function parseUserAgent(userAgent: string | null | undefined): ParsedUserAgent {
  if (!userAgent) return { browser: null, os: null, deviceType: null };
  const { browser, os, platform } = Bowser.parse(userAgent);
  const major = browser.version?.split(".")[0];
  // Windows says "NT 10.0" where people say "10"; elsewhere major.minor is what the header tells truthfully.
  const osVersion = os.name === "Windows" ? (os.versionName ?? os.version) : os.version?.split(".").slice(0, 2).join(".");
  return {
    browser: browser.name ? [browser.name, major].filter(Boolean).join(" ") : null,
    os: os.name ? [os.name, osVersion].filter(Boolean).join(" ") : null,
    deviceType: platform.type ?? null,
  };
}

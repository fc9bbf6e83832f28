import { describe, expect, it } from "vitest";
import { localTime, shownUrl, webUrl } from "../../src/app/admin/visitor/format.ts";
import { normalizeIp } from "../../src/core/blocks/blocks.ts";
import { parseUserAgent } from "../../src/core/visitors/user-agent.ts";

describe("the visitor panel's links", () => {
  it("links only web addresses", () => {
    expect(webUrl("https://shop.example/pricing?plan=pro")?.href).toBe("https://shop.example/pricing?plan=pro");
    expect(webUrl("http://127.0.0.1:8080/")?.href).toBe("http://127.0.0.1:8080/");
    for (const url of ["javascript:alert(1)", "data:text/html,<b>x</b>", "JAVASCRIPT:alert(1)", "not a url", "", null]) expect(webUrl(url)).toBeNull();
  });

  it("shows a page without its scheme", () => {
    expect(shownUrl(new URL("https://shop.example/pricing?plan=pro"))).toBe("shop.example/pricing?plan=pro");
    expect(shownUrl(new URL("http://127.0.0.1:8080/"))).toBe("127.0.0.1:8080");
  });
});

describe("the visitor's local time", () => {
  const now = new Date(Date.UTC(2026, 10, 24, 13, 5)); // a Tuesday, 13:05 UTC

  it("is the time in the visitor's zone, with the zone", () => {
    expect(localTime(now, "Asia/Shanghai", "en-GB")).toBe("Tue 21:05 (Asia/Shanghai)");
    expect(localTime(now, "America/New_York", "en-GB")).toBe("Tue 08:05 (America/New_York)");
  });

  it("is unknown without a zone, or with one nobody knows", () => {
    expect(localTime(now, null, "en")).toBeNull();
    expect(localTime(now, "Mars/Olympus_Mons", "en")).toBeNull();
  });
});

describe("parseUserAgent", () => {
  it("names the browser with its major version, the system and the kind of device", () => {
    expect(parseUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36")).toEqual({ browser: "Chrome 142", os: "Linux", deviceType: "desktop" });
    expect(parseUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0")).toEqual({ browser: "Microsoft Edge 120", os: "Windows 10", deviceType: "desktop" });
    expect(parseUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1")).toEqual({ browser: "Safari 17", os: "iOS 17.1", deviceType: "mobile" });
  });

  it("says nothing it does not know", () => {
    expect(parseUserAgent(null)).toEqual({ browser: null, os: null, deviceType: null });
    expect(parseUserAgent("curl/8.5.0").os).toBeNull();
  });
});

describe("normalizeIp", () => {
  it("spells an IPv4 address one way, however the socket reported it", () => {
    expect(normalizeIp("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeIp(" 203.0.113.7 ")).toBe("203.0.113.7");
    expect(normalizeIp("2001:DB8::1")).toBe("2001:db8::1");
  });
});

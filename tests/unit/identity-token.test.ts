import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { allowedOriginsSchema, frameAncestorsPolicy, isOriginAllowed, originOf } from "../../src/core/identity/allowed-origins.ts";
import { identityKeyOf, isValidUserHash, newIdentitySecret, userHashOf } from "../../src/core/identity/identity-hash.ts";

const secret = "9f2c1e6b7d4e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a";

describe("identity verification hashes", () => {
  it("are HMAC-SHA256 of the user ID under the site's secret, in lowercase hex, as the site's server computes them", () => {
    expect(userHashOf(secret, "user-42")).toBe(createHmac("sha256", secret).update("user-42").digest("hex"));
    expect(userHashOf(secret, "user-42")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("prove only the user ID they were computed for, under that secret", () => {
    const hash = userHashOf(secret, "user-42");
    expect(isValidUserHash(secret, "user-42", hash)).toBe(true);
    expect(isValidUserHash(secret, "user-42", hash.toUpperCase())).toBe(true);
    expect(isValidUserHash(secret, "user-43", hash)).toBe(false);
    expect(isValidUserHash(newIdentitySecret(), "user-42", hash)).toBe(false);
    expect(isValidUserHash(secret, "user-42", hash.slice(0, 62))).toBe(false);
    expect(isValidUserHash(secret, "user-42", "")).toBe(false);
  });

  it("make user IDs that differ only in Unicode normalisation or case different users", () => {
    expect(userHashOf(secret, "Zoë")).not.toBe(userHashOf(secret, "Zoe\u0308"));
    expect(userHashOf(secret, "Ann")).not.toBe(userHashOf(secret, "ann"));
  });

  it("come from fresh 64-hex-digit secrets", () => {
    const [a, b] = [newIdentitySecret(), newIdentitySecret()];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it("name a secret by a key that differs per secret and does not contain it", () => {
    const other = newIdentitySecret();
    expect(identityKeyOf(secret)).toMatch(/^[0-9a-f]{16}$/);
    expect(identityKeyOf(secret)).toBe(identityKeyOf(secret));
    expect(identityKeyOf(secret)).not.toBe(identityKeyOf(other));
    expect(secret).not.toContain(identityKeyOf(secret));
  });
});

describe("allowed origins", () => {
  it("are normalised to scheme://host[:port], lowercase, default port dropped, duplicates removed", () => {
    expect(allowedOriginsSchema.parse(["https://Shop.Example", "https://shop.example/", "http://localhost:8080", " https://shop.example:443 "])).toEqual([
      "https://shop.example",
      "http://localhost:8080",
    ]);
  });

  it.each(["https://shop.example/cart", "https://a;sandbox.example", "https://shop.example//", "https://shop.example?x=1", "shop.example", "ftp://shop.example", "javascript:alert(1)", "*", "https://*.example", "", "https://user:pw@shop.example"])(
    "refuse %j, which is not an origin",
    (entry) => {
      expect(allowedOriginsSchema.safeParse([entry]).success).toBe(false);
    },
  );

  it("are at most 100", () => {
    expect(allowedOriginsSchema.safeParse(Array.from({ length: 101 }, (_, i) => `https://s${i}.example`)).success).toBe(false);
  });

  it("allow any page when empty, and otherwise only a page whose origin is listed", () => {
    expect(isOriginAllowed([], undefined)).toBe(true);
    expect(isOriginAllowed([], "https://evil.example")).toBe(true);
    expect(isOriginAllowed(["https://shop.example"], "https://shop.example")).toBe(true);
    expect(isOriginAllowed(["https://shop.example"], "https://evil.example")).toBe(false);
    expect(isOriginAllowed(["https://shop.example"], "http://shop.example")).toBe(false);
    expect(isOriginAllowed(["https://shop.example"], undefined)).toBe(false);
  });

  it("take a page's origin only from an http(s) URL", () => {
    expect(originOf("https://Shop.Example:443/cart?x=1#top")).toBe("https://shop.example");
    expect(originOf("https://shop.example.evil.example/")).toBe("https://shop.example.evil.example");
    expect(originOf("javascript:alert(1)")).toBeUndefined();
    expect(originOf("not a url")).toBeUndefined();
    expect(originOf(undefined)).toBeUndefined();
  });

  it("become the visitor window's CSP frame-ancestors", () => {
    expect(frameAncestorsPolicy([])).toBe("frame-ancestors *");
    expect(frameAncestorsPolicy(["https://shop.example", "https://www.shop.example"])).toBe("frame-ancestors https://shop.example https://www.shop.example");
  });
});

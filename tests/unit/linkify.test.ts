import { describe, expect, it } from "vitest";
import { linkify } from "../../src/app/_chat/linkify.ts";

const links = (text: string) => linkify(text).filter((part) => part.kind === "link");

describe("linkify", () => {
  it("leaves text without addresses as one text part", () => {
    expect(linkify("hello there")).toEqual([{ kind: "text", text: "hello there" }]);
    expect(linkify("")).toEqual([]);
  });

  it("turns http and https addresses into links, keeping the text around them", () => {
    expect(linkify("see https://example.com/a?b=1 and http://x.org")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: " and " },
      { kind: "link", text: "http://x.org", href: "http://x.org/" },
    ]);
  });

  it("leaves sentence punctuation after an address out of the link", () => {
    expect(linkify("Go to https://example.com/page. Thanks!")).toEqual([
      { kind: "text", text: "Go to " },
      { kind: "link", text: "https://example.com/page", href: "https://example.com/page" },
      { kind: "text", text: ". Thanks!" },
    ]);
    expect(links("(see https://example.com/x)")).toEqual([{ kind: "link", text: "https://example.com/x", href: "https://example.com/x" }]);
    expect(links("https://en.wikipedia.org/wiki/Foo_(bar), ok")[0]?.text).toBe("https://en.wikipedia.org/wiki/Foo_(bar)");
  });

  it("never links javascript:, data: or other schemes", () => {
    for (const text of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "mailto:a@b.c",
      "ftp://example.com",
    ]) {
      expect(links(text), text).toEqual([]);
      expect(linkify(text).map((part) => part.text).join(""), text).toBe(text);
    }
  });

  it("only links an address that starts the word, and one with a host", () => {
    expect(links("xhttps://example.com")).toEqual([]);
    expect(links("http:// nothing")).toEqual([]);
  });

  it("does not let a link smuggle markup or quotes into the href", () => {
    const [link] = links('https://example.com/"><img src=x onerror=alert(1)>');
    expect(link).toEqual({ kind: "link", text: "https://example.com/", href: "https://example.com/" });
  });

  it("keeps every character of the original text, in order", () => {
    const text = "a https://a.com, b http://b.org/x?y=1#z! c javascript:void(0) d";
    expect(linkify(text).map((part) => part.text).join("")).toBe(text);
    expect(links(text).map((part) => part.href)).toEqual(["https://a.com/", "http://b.org/x?y=1#z"]);
  });
});

import { describe, expect, it } from "vitest";
import { displayName, MAX_NAME_LENGTH } from "../../src/core/uploads/display-name.ts";
import { contentDisposition } from "../../src/server/http/content-disposition.ts";

describe("displayName", () => {
  it("keeps an ordinary name as it is", () => {
    expect(displayName("Screenshot 2026-11-23 at 21.13.png", "image.png")).toBe("Screenshot 2026-11-23 at 21.13.png");
  });

  it("keeps only the last part of a path, with either kind of slash", () => {
    expect(displayName("../../etc/passwd.png", "image.png")).toBe("passwd.png");
    expect(displayName("..\\..\\windows\\x.png", "image.png")).toBe("x.png");
    expect(displayName("C:\\Users\\ada\\Desktop\\bill.pdf", "file.pdf")).toBe("bill.pdf");
  });

  it("removes NUL, newlines and other control characters", () => {
    expect(displayName("a\u0000b\r\nc\td\u007fe\u0085.png", "image.png")).toBe("abcde.png");
  });

  it("removes the bidi controls that disguise an extension", () => {
    expect(displayName("invoice\u202efdp.exe", "file.pdf")).toBe("invoicefdp.exe");
    expect(displayName("\u2066a\u2069\u200e\u200f\u061c.pdf", "file.pdf")).toBe("a.pdf");
  });

  it("trims surrounding whitespace but keeps non-ASCII letters", () => {
    expect(displayName("  Grüße 👋.png  ", "image.png")).toBe("Grüße 👋.png");
  });

  it("falls back when nothing is left, or the name is a directory reference", () => {
    for (const name of [undefined, "", "   ", "/", "a/", ".", "..", "x/..", "\u0000\u202e"]) expect(displayName(name, "image.png")).toBe("image.png");
  });

  it("cuts a long name to 200 UTF-16 units and keeps its extension", () => {
    const name = displayName(`${"a".repeat(500)}.pdf`, "file.pdf");
    expect(name).toHaveLength(MAX_NAME_LENGTH);
    expect(name).toBe(`${"a".repeat(196)}.pdf`);
  });

  it("never cuts an emoji (a surrogate pair) in half", () => {
    const name = displayName(`${"😀".repeat(150)}.webp`, "image.webp");
    expect(name).toBe(`${"😀".repeat(97)}.webp`); // 195 units are left for the stem: 97 emoji, and half of the 98th would fit
    expect(name).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone high surrogate
  });

  it("cuts a long name without an extension, or with an overlong one, to 200 units", () => {
    expect(displayName("x".repeat(300), "file.pdf")).toBe("x".repeat(200));
    expect(displayName(`a.${"b".repeat(300)}`, "file.pdf")).toHaveLength(200);
  });
});

describe("contentDisposition", () => {
  it("shows images inline", () => {
    expect(contentDisposition("IMAGE", "photo.png")).toBe("inline");
  });

  it("offers files as a download under their name", () => {
    expect(contentDisposition("FILE", "terms.pdf")).toBe(`attachment; filename="terms.pdf"; filename*=UTF-8''terms.pdf`);
  });

  it("gives old clients an ASCII name with quotes, backslashes and percent signs replaced, and the real name in filename*", () => {
    expect(contentDisposition("FILE", 'Bericht "März" 100%\\ (final)*.pdf')).toBe(
      `attachment; filename="Bericht _M_rz_ 100__ (final)*.pdf"; filename*=UTF-8''Bericht%20%22M%C3%A4rz%22%20100%25%5C%20%28final%29%2A.pdf`,
    );
  });

  it("cannot be broken out of by a name with a semicolon or quote", () => {
    const header = contentDisposition("FILE", 'a"; filename="evil.html');
    expect(header).toBe(`attachment; filename="a_; filename=_evil.html"; filename*=UTF-8''a%22%3B%20filename%3D%22evil.html`);
  });
});

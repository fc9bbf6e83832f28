import { describe, expect, it } from "vitest";
import { acceptedType } from "../../src/core/uploads/accepted-types.ts";

describe("acceptedType", () => {
  it.each([
    ["image/png", "IMAGE", "png"],
    ["image/apng", "IMAGE", "png"],
    ["image/jpeg", "IMAGE", "jpg"],
    ["image/gif", "IMAGE", "gif"],
    ["image/webp", "IMAGE", "webp"],
    ["application/pdf", "FILE", "pdf"],
  ])("accepts %s as %s, stored with the extension %s", (mime, kind, extension) => {
    expect(acceptedType(mime)).toEqual({ kind, extension });
  });

  it.each(["image/svg+xml", "text/html", "application/javascript", "application/x-msdownload", "application/zip", "text/plain", "image/tiff", "image/heic", "application/xml"])(
    "refuses %s",
    (mime) => {
      expect(acceptedType(mime)).toBeNull();
    },
  );

  it("refuses content whose type could not be recognised", () => {
    expect(acceptedType(undefined)).toBeNull();
  });

  it("is not fooled by names inherited from Object", () => {
    expect(acceptedType("constructor")).toBeNull();
    expect(acceptedType("__proto__")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { identifierSchema } from "../../src/core/agents/identifier.ts";

const parse = (raw: string) => identifierSchema.safeParse(raw);

describe("identifierSchema", () => {
  it("lowercases an email address and trims the spaces around it", () => {
    expect(parse("  Ada.Lovelace@Example.COM ").data).toEqual({ email: "ada.lovelace@example.com" });
  });

  it("keeps only the digits of a phone number, and its leading +", () => {
    expect(parse("+49 (151) 123-45.678").data).toEqual({ phone: "+4915112345678" });
    expect(parse("0151 1234567").data).toEqual({ phone: "01511234567" });
  });

  it("treats the same number written two ways as the same identifier", () => {
    expect(parse("+44 20 7946 0958").data).toEqual(parse("+442079460958").data);
  });

  it("refuses an empty identifier with a message that says what to enter", () => {
    expect(parse("   ").error?.issues[0]?.message).toBe("Enter an email address or a phone number");
  });

  it.each(["ada@", "@example.com", "not an email", "12345", "+1234567890123456", "+49 151 abc", "++491511234567", "------", "ada@example.com; DROP TABLE"])(
    "refuses %j",
    (raw) => {
      expect(parse(raw).success).toBe(false);
    },
  );

  it("refuses anything longer than an email address can be", () => {
    expect(parse(`${"a".repeat(250)}@example.com`).success).toBe(false);
  });
});

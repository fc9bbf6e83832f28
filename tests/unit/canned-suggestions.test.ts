import { describe, expect, it } from "vitest";
import { matchReplies, slashQueryAt } from "../../src/app/_chat/canned-suggestions.ts";

const reply = (shortcut: string, body: string) => ({ id: shortcut, shortcut, body });

describe("slashQueryAt", () => {
  it("finds a slash at the start of the box", () => expect(slashQueryAt("/ref", 4)).toEqual({ start: 0, query: "ref" }));
  it("finds a slash after whitespace", () => expect(slashQueryAt("Hi there /Ship", 14)).toEqual({ start: 9, query: "ship" }));
  it("finds a slash after a line break", () => expect(slashQueryAt("Hi\n/", 4)).toEqual({ start: 3, query: "" }));
  it("ignores a slash inside a word or a URL", () => {
    expect(slashQueryAt("and/or", 6)).toBeNull();
    expect(slashQueryAt("see https://x.example/a", 23)).toBeNull();
  });
  it("looks only up to the caret", () => {
    expect(slashQueryAt("/refund later", 4)).toEqual({ start: 0, query: "ref" });
    expect(slashQueryAt("/refund later", 10)).toBeNull();
  });
  it("closes once a space follows the query", () => expect(slashQueryAt("/refund ", 8)).toBeNull());
});

describe("matchReplies", () => {
  const replies = [reply("hello", "Hi! Glad to Help."), reply("refund", "Your refund is on its way."), reply("shipping", "Orders ship in a day; refunds take a week.")];
  it("offers every reply for an empty query", () => expect(matchReplies(replies, "").map((r) => r.shortcut)).toEqual(["hello", "refund", "shipping"]));
  it("puts shortcuts that start with the query before other matches", () =>
    expect(matchReplies(replies, "ref").map((r) => r.shortcut)).toEqual(["refund", "shipping"]));
  it("matches the text of the reply, ignoring case", () => expect(matchReplies(replies, "help").map((r) => r.shortcut)).toEqual(["hello"]));
  it("offers at most eight", () => expect(matchReplies(Array.from({ length: 20 }, (_, i) => reply(`r${i}`, "x")), "r")).toHaveLength(8));
});

import { describe, expect, it } from "vitest";
import { dayLabel } from "../../src/app/_chat/day-label.ts";

// Local times, as the log shows them: "today" is the reader's calendar day, wherever they are.
const now = new Date(2026, 10, 23, 9, 30);
const at = (year: number, month: number, day: number, hour = 12) => new Date(year, month, day, hour).toISOString();

describe("dayLabel", () => {
  it("says Today and Yesterday in the page's language", () => {
    expect(dayLabel(at(2026, 10, 23, 0), "en", now)).toBe("Today");
    expect(dayLabel(at(2026, 10, 22, 23), "en", now)).toBe("Yesterday");
    expect(dayLabel(at(2026, 10, 23), "zh-CN", now)).toBe("今天");
    expect(dayLabel(at(2026, 10, 22), "zh-CN", now)).toBe("昨天");
  });

  it("gives an earlier day of this year with its weekday, and one of another year with its year, in the page's locale", () => {
    expect(dayLabel(at(2026, 10, 2), "en", now)).toBe("Monday, November 2");
    expect(dayLabel(at(2025, 11, 31), "en", now)).toBe("December 31, 2025");
    expect(dayLabel(at(2026, 10, 2), "zh-CN", now)).toBe("11月2日星期一");
    expect(dayLabel(at(2025, 11, 31), "zh-CN", now)).toBe("2025年12月31日");
  });

  it("counts Yesterday across a month's and a year's end", () => {
    expect(dayLabel(at(2025, 11, 31), "en", new Date(2026, 0, 1, 8))).toBe("Yesterday");
    expect(dayLabel(at(2026, 1, 28), "en", new Date(2026, 2, 1, 8))).toBe("Yesterday");
  });
});

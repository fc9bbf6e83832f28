import { describe, expect, it } from "vitest";
import { contrastRatio, inkOn } from "../../src/app/im/contrast.ts";

describe("widget text colour", () => {
  it("puts white on dark colours and black on light ones", () => {
    expect(inkOn("#4f46e5")).toBe("#ffffff");
    expect(inkOn("#000000")).toBe("#ffffff");
    expect(inkOn("#fde047")).toBe("#000000");
    expect(inkOn("#ffffff")).toBe("#000000");
  });

  it("keeps at least 4.5:1 whatever the colour", () => {
    for (let v = 0; v < 256; v += 5) {
      for (const color of [[v, v, v], [v, 0, 0], [0, v, 0], [0, 0, v], [v, 255 - v, 128]]) {
        const hex = `#${color.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
        expect(contrastRatio(hex, inkOn(hex)), hex).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});

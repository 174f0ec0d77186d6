/** The catalog's reserved blocks of codes: disjoint, and every code from 410 on lies in one. */
import { describe, expect, it } from "vitest";
import { MESSAGES, RESERVED_RANGES } from "../../diagnostics/catalog/index.js";

describe("reserved code ranges", () => {
  it("do not overlap", () => {
    const sorted = [...RESERVED_RANGES].sort((a, b) => a.from - b.from);
    for (const [index, range] of sorted.entries()) {
      expect(range.from).toBeLessThanOrEqual(range.to);
      if (index > 0) expect(range.from, range.concern).toBeGreaterThan(sorted[index - 1]!.to);
    }
  });

  it("hold every code from 410 on", () => {
    const outside = [...MESSAGES.keys()]
      .map((code) => Number(code.slice(3)))
      .filter((number) => number >= 410 && !RESERVED_RANGES.some((range) => range.from <= number && number <= range.to));
    expect(outside).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { PIPELINE_MESSAGES } from "../../../diagnostics/catalog/pipeline.js";
import { checkExperimentsIn } from "./checked-experiments.js";

/** The CSV files the catalog's snippets read. */
const FILES = {
  "houses.csv": "size,rooms,price\n50,2,300.5\n70,3,250.25\n",
  "data/houses.csv": "size,rooms,price\n50,2,300.5\n70,3,250.25\n",
};

describe("PIPELINE_MESSAGES", () => {
  it("has one entry per code, each fully written", () => {
    const codes = PIPELINE_MESSAGES.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const entry of PIPELINE_MESSAGES) {
      expect(entry.code).toMatch(/^DLM\d{3}$/);
      expect(entry.title.length).toBeGreaterThan(0);
      expect(entry.explanation.length).toBeGreaterThan(60);
    }
  });

  for (const entry of PIPELINE_MESSAGES) {
    it(`${entry.code}: the wrong snippet triggers it and the fixed one checks clean`, () => {
      const wrong = checkExperimentsIn(entry.wrong, FILES).reported;
      expect(wrong.map((reported) => reported.code)).toContain(entry.code);
      expect(wrong.find((reported) => reported.code === entry.code)?.severity).toBe(entry.severity);
      const fixed = checkExperimentsIn(entry.fixed, FILES).reported;
      expect(fixed.filter((reported) => reported.code === entry.code || reported.severity === "error")).toEqual([]);
    });
  }
});

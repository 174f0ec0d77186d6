/**
 * Regression cases: inputs that once broke a property (kept by `npm run fuzz -- --save` or
 * by hand) and the hardest inputs met while probing — deep nesting, exponential blocks,
 * control characters, everything left open. Each keeps the fuzz properties, and the
 * programs of those that check clean type-check with `tsc --strict`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { cachedDiskHost, checkMutantProperties, describeFailure, type EmittedProgram } from "./mutant-properties.js";
import { readRegressionCases } from "./regression-cases.js";
import { makeScratchFolder, typeCheckPrograms } from "./type-check-programs.js";

const cases = readRegressionCases();
const scratch = makeScratchFolder("regressions-");
afterAll(() => scratch.remove());
const options = { base: cachedDiskHost(), outDir: join(scratch.dir, "out") };
const cleanPrograms: EmittedProgram[] = [];

describe("regression cases", () => {
  it("exist", () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  for (const regression of cases) {
    it(`${regression.name} keeps every property`, () => {
      const report = checkMutantProperties(regression.checkedAs, regression.text, options);
      expect(report.problems, describeFailure(regression.checkedAs, regression.text, report)).toEqual([]);
      cleanPrograms.push(...report.programs.map((program) => ({ ...program, fileName: `${regression.name}-${program.fileName}` })));
    });
  }

  it("programs of the clean cases type-check with tsc --strict", async () => {
    expect(cleanPrograms.length).toBeGreaterThan(0);
    const outcome = await typeCheckPrograms(cleanPrograms, scratch.dir);
    expect(outcome.output).toBe("");
    expect(outcome.status).toBe(0);
  }, 120_000);
});

/**
 * Fuzzing the compiler with mutants of real files (samples and test cases): whatever the
 * edit, `checkProgram` returns in time with catalog codes and ranges inside the text, and
 * a mutant that checks clean emits a program that parses — a sample of those programs also
 * type-checks with `tsc --strict`. The seed is `FUZZ_SEED` or random, printed on failure;
 * a failing mutant belongs in `regressions/` (see regressions.test.ts).
 */
import fc from "fast-check";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus, mutantArbitrary, mutantText, type CorpusFile } from "./mutations.js";
import { cachedDiskHost, checkMutantProperties, describeFailure, fuzzSeed, type EmittedProgram } from "./mutant-properties.js";
import { makeScratchFolder, pickDistinct, REPOSITORY_ROOT, typeCheckPrograms } from "./type-check-programs.js";

const MUTANTS_PER_RUN = 2_000;
const TYPE_CHECKED_PER_RUN = 10;

const corpus: CorpusFile[] = loadCorpus([join(REPOSITORY_ROOT, "samples"), join(REPOSITORY_ROOT, "test", "cases")]);
const base = cachedDiskHost();
const scratch = makeScratchFolder("fuzz-");
const options = { base, outDir: join(scratch.dir, "out") };
/** Programs of clean mutants, collected by the property run for the tsc sample. */
const cleanPrograms: EmittedProgram[] = [];
/** Program texts already known: those of the unmutated files (they are type-checked elsewhere). */
const knownPrograms = new Set<string>();

beforeAll(() => {
  // Checking every original once also warms the caches, so the first mutant is not timed cold.
  for (const file of corpus) {
    const report = checkMutantProperties(file.path, file.text, options);
    expect(report.problems).toEqual([]);
    for (const program of report.programs) knownPrograms.add(program.text);
  }
});
afterAll(() => scratch.remove());

describe("mutants of real .dlm files", () => {
  it("start from a corpus of samples and test cases", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    expect(corpus.some((file) => file.path.endsWith("mnist.dlm"))).toBe(true);
  });

  it(`keep every property over ${MUTANTS_PER_RUN} cases: no throw, no hang, catalog codes, ranges inside the text, emittable when clean`, () => {
    const seed = fuzzSeed();
    let cases = 0;
    let clean = 0;
    try {
      fc.assert(
        fc.property(mutantArbitrary(corpus), (recipe) => {
          const text = mutantText(recipe);
          const report = checkMutantProperties(recipe.file.path, text, options);
          if (report.problems.length > 0) throw new Error(describeFailure(recipe.file.path, text, report));
          cases++;
          if (report.clean) clean++;
          cleanPrograms.push(...report.programs);
        }),
        { seed, numRuns: MUTANTS_PER_RUN },
      );
    } catch (error) {
      console.error(`fuzz failure: rerun with FUZZ_SEED=${seed}`);
      throw error;
    }
    expect(cases).toBeGreaterThanOrEqual(MUTANTS_PER_RUN);
    // Some mutants must survive the checker, or the emitter is never fuzzed.
    expect(clean).toBeGreaterThan(0);
  }, 180_000);

  it(`type-check with tsc --strict: up to ${TYPE_CHECKED_PER_RUN} distinct programs of clean mutants`, async () => {
    const sample = pickDistinct(cleanPrograms, knownPrograms, TYPE_CHECKED_PER_RUN);
    expect(sample.length).toBeGreaterThan(0);
    const outcome = await typeCheckPrograms(sample, scratch.dir);
    const sources = outcome.failing.map((program) => `--- from ---\n${program.source}`).join("\n");
    expect(outcome.output + sources).toBe("");
    expect(outcome.status).toBe(0);
  }, 120_000);
});

/**
 * The long fuzz run: 20,000 mutants of the samples and test cases (more with `--cases`)
 * against the properties of `test/robustness/fuzz.test.ts` — no throw, no hang, catalog
 * codes, ranges inside the text, clean mutants emit a program that parses — and a tsc
 * `--strict` check of a few distinct programs of clean mutants. Unlike the test, it does
 * not stop at the first failure: it prints every failing mutant (grouped by problem), the
 * count, the time and the slowest check. `--save` writes each failing mutant into
 * `test/robustness/regressions/`.
 *
 * Then the output-path fuzz (`bench/fuzz-outputs.ts`): `--path-cases` experiments with
 * hostile export, checkpoint, log, report and data paths through check and compile, and
 * `--runs` of them through `dlm run` in a scratch tree watched for files touched outside
 * the outputs each run named.
 *
 *   npm run fuzz -- [--cases N] [--seed S] [--type-check N] [--save] [--path-cases N] [--runs N]
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { loadCorpus, mutantArbitrary, mutantText, type MutantRecipe } from "../test/robustness/mutations.js";
import { cachedDiskHost, checkMutantProperties, fuzzSeed, type EmittedProgram } from "../test/robustness/mutant-properties.js";
import { REGRESSIONS_DIR, regressionFileText } from "../test/robustness/regression-cases.js";
import { makeScratchFolder, pickDistinct, REPOSITORY_ROOT, typeCheckPrograms } from "../test/robustness/type-check-programs.js";
import { runOutputFuzz } from "./fuzz-outputs.js";

/** Command-line settings. */
interface FuzzSettings {
  readonly cases: number;
  readonly seed: number;
  readonly typeChecked: number;
  readonly save: boolean;
  /** Experiments with mutated output and data paths through check and compile. */
  readonly pathCases: number;
  /** Of those, how many go through `dlm run`. */
  readonly runs: number;
}

function readSettings(argv: readonly string[]): FuzzSettings {
  const valueOf = (flag: string): number | undefined => {
    const index = argv.indexOf(flag);
    if (index < 0) return undefined;
    const value = Number(argv[index + 1]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a whole number`);
    return value;
  };
  return {
    cases: valueOf("--cases") ?? 20_000,
    seed: valueOf("--seed") ?? fuzzSeed(),
    typeChecked: valueOf("--type-check") ?? 20,
    save: argv.includes("--save"),
    pathCases: valueOf("--path-cases") ?? 20_000,
    runs: valueOf("--runs") ?? 200,
  };
}

/** A failing mutant and what it broke. */
interface Failure {
  readonly recipe: MutantRecipe;
  readonly text: string;
  readonly problems: readonly string[];
}

const CHUNK = 1_000;

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const corpus = loadCorpus([join(REPOSITORY_ROOT, "samples"), join(REPOSITORY_ROOT, "test", "cases")]);
  const base = cachedDiskHost();
  const scratch = makeScratchFolder("fuzz-bench-");
  const options = { base, outDir: join(scratch.dir, "out") };
  const known = new Set<string>();
  for (const file of corpus) for (const program of checkMutantProperties(file.path, file.text, options).programs) known.add(program.text);

  const failures: Failure[] = [];
  const cleanPrograms: EmittedProgram[] = [];
  let parsed = 0;
  let clean = 0;
  let slowest = { ms: 0, file: "" };
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  for (let done = 0; done < settings.cases; done += CHUNK) {
    // fc.sample with a seed per chunk: the run is reproducible and never holds all recipes at once.
    const recipes = fc.sample(mutantArbitrary(corpus), { seed: settings.seed + done, numRuns: Math.min(CHUNK, settings.cases - done) });
    for (const recipe of recipes) {
      const text = mutantText(recipe);
      const report = checkMutantProperties(recipe.file.path, text, options);
      if (report.elapsedMs > slowest.ms) slowest = { ms: report.elapsedMs, file: relative(REPOSITORY_ROOT, recipe.file.path) };
      if (report.problems.length > 0) failures.push({ recipe, text, problems: report.problems });
      if (report.parsed) parsed++;
      if (report.clean) clean++;
      cleanPrograms.push(...pickDistinct(report.programs, known, settings.typeChecked - cleanPrograms.length));
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(startedCpu);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  const typeCheckStarted = performance.now();
  const typeCheck = cleanPrograms.length > 0 ? await typeCheckPrograms(cleanPrograms, scratch.dir) : undefined;
  const typeCheckSeconds = (performance.now() - typeCheckStarted) / 1000;

  const outputFuzz = runOutputFuzz({
    cases: settings.pathCases,
    runs: settings.runs,
    seed: settings.seed,
    dlm: join(REPOSITORY_ROOT, "bin", "dlm.js"),
    scratch: join(scratch.dir, "outputs"),
    base,
  });
  scratch.remove();

  printFailures(failures, settings.save);
  for (const violation of outputFuzz.violations.slice(0, 20)) console.log(`\n${violation}`);
  console.log(
    [
      `seed ${settings.seed}`,
      `${settings.cases.toLocaleString("en-US")} mutants of ${corpus.length} files in ${elapsed.toFixed(1)} s ` +
        `(${Math.round(settings.cases / elapsed).toLocaleString("en-US")} per second; ${cpuSeconds.toFixed(1)} s of CPU time)`,
      `${parsed.toLocaleString("en-US")} without syntax errors, ${clean.toLocaleString("en-US")} checked clean; slowest check ${slowest.ms.toFixed(0)} ms (${slowest.file})`,
      `${failures.length} failing mutants`,
      typeCheck === undefined
        ? "tsc --strict: no program of a clean mutant to check"
        : `tsc --strict over ${cleanPrograms.length} distinct programs in ${typeCheckSeconds.toFixed(1)} s: ` +
          (typeCheck.status === 0 ? "clean" : `${typeCheck.failing.length} failing\n${typeCheck.output}`),
      `output paths: ${outputFuzz.cases.toLocaleString("en-US")} experiments checked and compiled in ${outputFuzz.caseSeconds.toFixed(1)} s ` +
        `(${outputFuzz.clean.toLocaleString("en-US")} clean); ${outputFuzz.runs} dlm runs in ${outputFuzz.runSeconds.toFixed(1)} s ` +
        `(${outputFuzz.runsTrained} trained and exited 0); ${outputFuzz.violations.length} violations (${outputFuzz.runViolations} in runs)`,
    ].join("\n"),
  );
  if (failures.length > 0 || (typeCheck !== undefined && typeCheck.status !== 0) || outputFuzz.violations.length > 0) process.exitCode = 1;
}

/** Prints failing mutants grouped by their first problem's first line; `save` keeps each as a regression case. */
function printFailures(failures: readonly Failure[], save: boolean): void {
  const groups = new Map<string, Failure[]>();
  for (const failure of failures) {
    const key = (failure.problems[0] ?? "").split("\n")[0]!.replace(/\d+/g, "N");
    groups.set(key, [...(groups.get(key) ?? []), failure]);
  }
  for (const [problem, members] of groups) {
    const first = members[0]!;
    console.log(`\n${members.length} × ${problem}\n  first: ${relative(REPOSITORY_ROOT, first.recipe.file.path)} ${JSON.stringify(first.recipe.mutations)}`);
    console.log(first.problems.join("\n"));
  }
  if (!save) return;
  for (const failure of failures) {
    const name = createHash("sha256").update(failure.recipe.file.path + failure.text).digest("hex").slice(0, 12);
    writeFileSync(join(REGRESSIONS_DIR, `${name}.dlm`), regressionFileText(failure.recipe.file.path, failure.text));
  }
  console.log(`\nsaved ${failures.length} regression cases in ${relative(REPOSITORY_ROOT, REGRESSIONS_DIR)}/`);
}

await main();

/**
 * The properties every `.dlm` text must keep, however broken: `checkProgram` returns (no
 * throw) within a time limit, every diagnostic has a catalog code and a range inside its
 * file, and a program that checks clean emits TypeScript that parses. Shared by the fuzz
 * tests, the regression cases and `bench/fuzz.ts`.
 */
import * as path from "node:path";
import type { CompilerHost } from "../../compiler/host.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { checkProgram } from "../../compiler/program.js";
import { emitExperiment } from "../../compiler/emitter.js";
import { MESSAGES } from "../../diagnostics/catalog/index.js";
import { syntaxErrorsOf } from "./generated-code.js";

/**
 * The most CPU time one check may take before it counts as a hang (`FUZZ_TIME_LIMIT_MS`
 * overrides it). CPU time of this process, not wall-clock time, so other processes on a
 * busy machine do not make a case fail; a check blocked without using the CPU is caught by
 * the wall-clock limit, ten times as long.
 */
export const CHECK_TIME_LIMIT_MS = Number(process.env["FUZZ_TIME_LIMIT_MS"] ?? "") || 2_000;
const WALL_CLOCK_LIMIT_MS = 10 * CHECK_TIME_LIMIT_MS;

/** A program emitted from a mutant that checked clean. */
export interface EmittedProgram {
  readonly fileName: string;
  readonly text: string;
  /** The `.dlm` text it came from, for the failure message. */
  readonly source: string;
}

/** What checking one text found. */
export interface MutantReport {
  /** Broken properties, one line each; empty when every property held. */
  readonly problems: string[];
  /** Programs of the experiments, when the text checked without errors. */
  readonly programs: EmittedProgram[];
  /** Wall-clock time of the whole case: check, emit and parse of the programs. */
  readonly elapsedMs: number;
  /** True when the text had no syntax errors (the checker saw all of it). */
  readonly parsed: boolean;
  /** True when the text checked without errors. */
  readonly clean: boolean;
}

/** A real-file-system host that reads each file once (data files are re-read by every case otherwise). */
export function cachedDiskHost(): CompilerHost {
  const disk = nodeCompilerHost();
  const cache = new Map<string, string | undefined>();
  return {
    readFile(file) {
      if (!cache.has(file)) cache.set(file, disk.readFile(file));
      return cache.get(file);
    },
    resolve: (fromFile, spec) => disk.resolve(fromFile, spec),
  };
}

/** A host that serves `text` at `file` and reads everything else through `base`. */
export function overlayHost(base: CompilerHost, file: string, text: string): CompilerHost {
  return {
    readFile: (requested) => (requested === file ? text : base.readFile(requested)),
    resolve: (fromFile, spec) => base.resolve(fromFile, spec),
  };
}

/** Where emitted programs would be written (matters only for the relative path to the `.dlm` folder). */
export interface PropertyOptions {
  readonly base: CompilerHost;
  readonly outDir: string;
}

/** Checks `text` as the file at `file` and tests every property; never throws. */
export function checkMutantProperties(file: string, text: string, options: PropertyOptions): MutantReport {
  const problems: string[] = [];
  const programs: EmittedProgram[] = [];
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  let parsed = false;
  let clean = false;
  try {
    const result = checkProgram([file], overlayHost(options.base, file, text));
    const cpu = process.cpuUsage(startedCpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const wallMs = performance.now() - started;
    if (cpuMs > CHECK_TIME_LIMIT_MS || wallMs > WALL_CLOCK_LIMIT_MS) {
      problems.push(`checkProgram took ${Math.round(cpuMs)} ms of CPU time, ${Math.round(wallMs)} ms in all (limits ${CHECK_TIME_LIMIT_MS} and ${WALL_CLOCK_LIMIT_MS} ms)`);
    }
    for (const diagnostic of result.diagnostics) {
      if (!MESSAGES.has(diagnostic.code)) problems.push(`${diagnostic.code} is not in the catalog: ${diagnostic.message}`);
      if (diagnostic.message.trim() === "") problems.push(`${diagnostic.code} has an empty message`);
      const places = [{ file: diagnostic.file, range: diagnostic.range }, ...(diagnostic.related ?? [])];
      for (const place of places) {
        const fileText = place.file === file ? text : result.files.get(place.file)?.text;
        const { start, end } = place.range;
        const inside = fileText === undefined ? start === 0 && end === 0 : 0 <= start && start <= end && end <= fileText.length;
        if (!inside || !Number.isInteger(start) || !Number.isInteger(end)) {
          problems.push(`${diagnostic.code} range ${start}..${end} lies outside ${place.file} (${fileText?.length ?? "unread"} characters): ${diagnostic.message}`);
        }
      }
    }
    parsed = !result.diagnostics.some((diagnostic) => diagnostic.code.startsWith("DLM1"));
    clean = !result.diagnostics.some((diagnostic) => diagnostic.severity === "error");
    if (clean) {
      for (const plan of result.plans) {
        const emitted = emitExperiment(plan, { outDir: options.outDir, sourceText: (f) => (f === file ? text : result.files.get(f)?.text) });
        const syntax = syntaxErrorsOf(emitted.text);
        if (syntax.length > 0) problems.push(`the program of experiment \`${plan.name}\` does not parse: ${syntax.join("; ")}`);
        programs.push({ fileName: path.basename(emitted.path), text: emitted.text, source: text });
      }
    }
  } catch (error) {
    problems.push(`threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  return { problems, programs, elapsedMs: performance.now() - started, parsed, clean };
}

/** A failure message that says how to reproduce the case. */
export function describeFailure(file: string, text: string, report: MutantReport): string {
  return [`mutant of ${file} broke ${report.problems.length} properties:`, ...report.problems.map((p) => `  - ${p}`), "--- mutant text ---", text, "---"].join("\n");
}

/** The fast-check seed of this run: `FUZZ_SEED` when set, else random. */
export function fuzzSeed(): number {
  const fromEnvironment = process.env["FUZZ_SEED"];
  if (fromEnvironment !== undefined && fromEnvironment !== "") {
    const seed = Number(fromEnvironment);
    if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${fromEnvironment}`);
    return seed;
  }
  return Math.floor(Math.random() * 0x7fffffff);
}


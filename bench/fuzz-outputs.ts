/**
 * The output-path part of `npm run fuzz` (issue #14): experiments whose export, checkpoint,
 * log and report paths, data path and name are drawn from hostile values (`.`, `..`, the
 * `.dlm` itself, the data folder, absolute folders of someone else's, `#`, `%41`, spaces,
 * unicode, names of DLM's own temporaries) in a scratch tree.
 *
 * - `cases` of them go through `dlm check` and `dlm compile` in-process, with the fuzz
 *   properties (no throw, catalog codes, ranges, programs that parse) and one more: a file
 *   that checks clean names no output an independent oracle calls unsafe.
 * - `runs` of them are run with `dlm run` in the same scratch tree; a snapshot (path, size,
 *   mtime, SHA-256) before and after each run shows no file touched outside the outputs the
 *   run named, and no run may crash (a stack trace or a signal).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { mulberry32 } from "../runtime/data/random.js";
import { checkMutantProperties, type PropertyOptions } from "../test/robustness/mutant-properties.js";

/** Settings of the output fuzz. */
export interface OutputFuzzSettings {
  readonly cases: number;
  readonly runs: number;
  readonly seed: number;
  /** `bin/dlm.js` of the build under test. */
  readonly dlm: string;
  /** An empty folder the scratch tree is built in. */
  readonly scratch: string;
  readonly base: PropertyOptions["base"];
}

/** What the output fuzz found. */
export interface OutputFuzzResult {
  readonly cases: number;
  readonly clean: number;
  readonly caseSeconds: number;
  readonly runs: number;
  readonly runsTrained: number;
  readonly runSeconds: number;
  /** One line per broken property or unsafe write. */
  readonly violations: string[];
  /** How many of `violations` came from `dlm run`s (the rest from check and compile). */
  readonly runViolations: number;
}

/** The scratch tree: a project with a `.dlm`, an import, data, notes and folders of the user's, and a folder outside it. */
interface Tree {
  readonly root: string;
  readonly project: string;
  readonly dlmFile: string;
  /** Paths a run must never touch, whatever it names. */
  readonly inputs: readonly string[];
}

function irisRows(): string {
  const rows = ["sepal_length,sepal_width,petal_length,petal_width,species"];
  const species = ["setosa", "versicolor", "virginica"];
  for (let index = 0; index < 150; index++) {
    const kind = index % 3;
    const jitter = ((index * 37) % 10) / 10;
    rows.push(
      [4.5 + kind + jitter, 3 + jitter / 2, 1.4 + 2 * kind + jitter, 0.2 + kind + jitter / 3, species[kind]].join(","),
    );
  }
  return rows.join("\n") + "\n";
}

function buildTree(scratch: string): Tree {
  const root = path.join(scratch, "tree");
  const project = path.join(root, "project");
  const files: Record<string, string> = {
    "project/main.dlm": "",
    "project/lib.dlm": "block Hidden() { dense(8, activation: relu) }\n",
    "project/data/iris.csv": irisRows(),
    "project/data/README.txt": "where the data came from\n",
    "project/notes.txt": "my notes\n",
    "project/a#1/iris.csv": irisRows(),
    "project/d%41/keep.txt": "percent\n",
    "project/e f/keep.txt": "space\n",
    "project/ünï/keep.txt": "unicode\n",
    "project/exports/mine/notes.txt": "a folder of mine where an export might go\n",
    "project/exports/file": "a plain file\n",
    "project/exports/old/card.json": JSON.stringify({ experiment: "old", dlmVersion: "0.1.0" }),
    "project/exports/old/model.json": "{}",
    "project/logs/todo.csv": "task,done\nthesis,no\n",
    "outside/secret.txt": "someone else's\n",
    "outside/photos/holiday.jpg": "jpeg bytes\n",
    "outside/data.csv": irisRows(),
  };
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const dlmFile = path.join(project, "main.dlm");
  const inputs = Object.keys(files)
    .filter((relative) => !relative.startsWith("project/exports/old/"))
    .map((relative) => path.join(root, relative));
  return { root, project, dlmFile, inputs };
}

/** The slots of a mutant experiment; undefined leaves the member out. */
interface Slots {
  readonly name: string;
  readonly data: string;
  readonly export?: string;
  readonly log?: string;
  readonly checkpoint?: string;
  readonly report?: string;
}

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)]!;
}

/** A hostile or ordinary path for an output. */
function outputPath(next: () => number, tree: Tree, kind: "export" | "log" | "report"): string {
  const ordinary =
    kind === "export"
      ? ["exports/iris", "exports/old", "models/x", "a#1/out", "d%41/m", "e f/m", "ünï/m"]
      : kind === "log"
        ? ["logs/iris.csv", "logs/new.csv", "e f/log.csv"]
        : ["reports/iris.html", "reports/iris.md", "report.html"];
  const hostile = [
    ".",
    "",
    "./",
    "..",
    "../outside",
    "../../x.csv",
    "../outside/secret.txt",
    "main.dlm",
    "./main.dlm",
    "lib.dlm",
    "data",
    "data/",
    "data/iris.csv",
    "data/README.txt",
    "notes.txt",
    "exports/mine",
    "exports/file",
    "exports/mine/notes.txt",
    "exports",
    "exports/iris.previous",
    "exports/iris.tmp-1-abcdef",
    "exports/../..",
    "a#1",
    "a#1/iris.csv",
    "d%41",
    "logs/todo.csv",
    "logs",
    tree.project,
    path.join(tree.root, "outside"),
    path.join(tree.root, "outside", "photos"),
    path.join(tree.root, "outside", "new-export"),
    path.join(tree.project, "data"),
    tree.root,
    "/",
  ];
  const chosen = next() < 0.45 ? pick(next, ordinary) : pick(next, hostile);
  // sometimes dress a path up: a trailing slash, a `./` prefix, a detour through `x/..`
  const dress = next();
  if (dress < 0.1 && chosen !== "") return `${chosen}/`;
  if (dress < 0.2 && !path.isAbsolute(chosen)) return `./${chosen}`;
  if (dress < 0.25 && !path.isAbsolute(chosen)) return `x/../${chosen}`;
  return chosen;
}

function drawSlots(next: () => number, tree: Tree): Slots {
  const names = [
    "iris",
    "iris2",
    "a_very_long_experiment_name_".repeat(5) + "x",
    "x",
    "constructor",
    "toString",
    "__proto__",
  ];
  const data = [
    "data/iris.csv",
    "a#1/iris.csv",
    "../outside/data.csv",
    path.join(tree.root, "outside", "data.csv"),
    "data",
    "missing.csv",
  ];
  const slots: Slots = {
    name: pick(next, names),
    data: next() < 0.8 ? "data/iris.csv" : pick(next, data),
    ...(next() < 0.8 ? { export: outputPath(next, tree, "export") } : {}),
    ...(next() < 0.4 ? { log: next() < 0.3 ? outputPath(next, tree, "export") : outputPath(next, tree, "log") } : {}),
    ...(next() < 0.3 ? { checkpoint: outputPath(next, tree, "export") } : {}),
    ...(next() < 0.3
      ? { report: next() < 0.3 ? outputPath(next, tree, "export") : outputPath(next, tree, "report") }
      : {}),
  };
  return slots;
}

const quote = (value: string) => JSON.stringify(value);

function experimentText(slots: Slots): string {
  const callbacks = [
    ...(slots.log === undefined ? [] : [`csv_logger(${quote(slots.log)})`]),
    ...(slots.checkpoint === undefined ? [] : [`model_checkpoint(${quote(slots.checkpoint)}, monitor: loss)`]),
  ];
  return `import "lib.dlm"

experiment ${slots.name} {
  seed: 1
  data {
    source: csv(${quote(slots.data)}, label: species)
    split { train: 0.8, test: 0.2 }
    normalize: standardize
  }
  model { Hidden() dense(3, activation: softmax) }
  train {
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 1
    batch_size: 32${callbacks.length === 0 ? "" : `\n    callbacks { ${callbacks.join(" ")} }`}
  }
${slots.report === undefined ? "" : `  evaluate { report: ${quote(slots.report)} }\n`}${slots.export === undefined ? "" : `  export: ${quote(slots.export)}\n`}}
`;
}

/** The outputs a mutant names, resolved, with their kinds. */
function namedOutputs(slots: Slots, tree: Tree): { kind: string; written: string; target: string }[] {
  const entries: [string, string | undefined][] = [
    ["export", slots.export],
    ["checkpoint", slots.checkpoint],
    ["log", slots.log],
    ["report", slots.report],
  ];
  return entries.flatMap(([kind, written]) =>
    written === undefined ? [] : [{ kind, written, target: path.resolve(tree.project, written) }],
  );
}

const inside = (inner: string, outer: string) =>
  inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : outer + path.sep);

/**
 * The oracle, written apart from the compiler's check: why writing these outputs would be
 * unsafe in the tree as it stands, or undefined. (Conservative: it may call a safe path
 * unsafe, never the reverse.)
 */
function unsafeBecause(slots: Slots, tree: Tree): string | undefined {
  const outputs = namedOutputs(slots, tree);
  const dataFile = path.resolve(tree.project, slots.data);
  for (const output of outputs) {
    const { target, written, kind } = output;
    if (inside(tree.project, target)) return `${kind} "${written}" is the project folder or above it`;
    for (const input of [tree.dlmFile, path.join(tree.project, "lib.dlm"), dataFile]) {
      if (inside(input, target)) return `${kind} "${written}" is or contains ${input}`;
    }
    if (!path.isAbsolute(written) && !inside(target, tree.project))
      return `${kind} "${written}" climbs out of the project`;
    if (existsSync(target)) {
      const ownBundle =
        target === path.join(tree.project, "exports", "old") && (kind === "export" || kind === "checkpoint");
      if (!ownBundle) return `${kind} "${written}" would replace ${target}, which DLM did not write`;
    }
    for (const other of outputs) {
      if (other !== output && (inside(other.target, target) || inside(target, other.target)))
        return `${kind} "${written}" overlaps ${other.kind}`;
    }
  }
  return undefined;
}

/** path → size, mtime and hash of every file and folder under `root`. */
function snapshot(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      const stats = lstatSync(file);
      if (stats.isDirectory()) {
        entries.set(file, "dir");
        visit(file);
      } else {
        const hash = stats.isFile()
          ? createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16)
          : "special";
        entries.set(file, `${stats.size} ${stats.mtimeMs} ${hash}`);
      }
    }
  };
  visit(root);
  return entries;
}

/** Whether a run that named `outputs` may have changed `file`. */
function mayTouch(file: string, outputs: readonly { kind: string; target: string }[], tree: Tree): boolean {
  // what every `dlm run` writes: the programs in out/ and the run directories under --out
  if (inside(file, path.join(tree.project, "out")) || inside(file, path.join(tree.project, "runs"))) return true;
  return outputs.some(({ kind, target }) => {
    if (kind === "export" || kind === "checkpoint") {
      return (
        inside(file, target) ||
        inside(file, `${target}.previous`) ||
        path.basename(file).startsWith(`${path.basename(target)}.tmp-`) ||
        file === `${target}.dlm-lock` ||
        inside(path.dirname(target), file)
      );
    }
    if (file === target || inside(path.dirname(target), file)) return true;
    // the ledger that records what DLM wrote in that folder (docs/safety.md)
    if (path.dirname(file) === path.dirname(target) && path.basename(file).startsWith(".dlm-outputs.json")) return true;
    // a Markdown report writes its charts beside it
    return (
      kind === "report" &&
      path.dirname(file) === path.dirname(target) &&
      path.basename(file).startsWith(`${path.basename(target, path.extname(target))}-`)
    );
  });
}

/** Runs the output fuzz and returns what it found. */
export function runOutputFuzz(settings: OutputFuzzSettings): OutputFuzzResult {
  const tree = buildTree(settings.scratch);
  const next = mulberry32(settings.seed); // a seed reproduces a run
  const violations: string[] = [];
  const options: PropertyOptions = { base: settings.base, outDir: path.join(tree.project, "out") };

  let clean = 0;
  const caseStarted = performance.now();
  for (let index = 0; index < settings.cases; index++) {
    const slots = drawSlots(next, tree);
    const text = experimentText(slots);
    const report = checkMutantProperties(tree.dlmFile, text, options);
    for (const problem of report.problems) violations.push(`check case ${index}: ${problem}\n${text}`);
    if (!report.clean) continue;
    clean++;
    const unsafe = unsafeBecause(slots, tree);
    if (unsafe !== undefined) violations.push(`check case ${index}: checked clean, but ${unsafe}\n${text}`);
    if ((index + 1) % 2_000 === 0) process.stderr.write(`output paths: ${index + 1} cases checked\n`);
  }
  const caseSeconds = (performance.now() - caseStarted) / 1000;

  const caseViolations = violations.length;
  let runsTrained = 0;
  const runStarted = performance.now();
  for (let index = 0; index < settings.runs; index++) {
    // half the runs draw until a mutant checks clean, so the runtime's own checks and writers are reached too
    let slots = drawSlots(next, tree);
    if (index % 2 === 0) {
      for (
        let tries = 0;
        tries < 50 && !checkMutantProperties(tree.dlmFile, experimentText(slots), options).clean;
        tries++
      )
        slots = drawSlots(next, tree);
    }
    const text = experimentText(slots);
    writeFileSync(tree.dlmFile, text);
    const before = snapshot(tree.root);
    const result = spawnSync(
      process.execPath,
      [settings.dlm, "run", "main.dlm", "--epochs", "1", "--backend", "cpu", "--out", "runs"],
      {
        cwd: tree.project,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
        timeout: 300_000,
      },
    );
    if (result.status === 0) runsTrained++;
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.signal !== null || result.status === null)
      violations.push(`run ${index}: ended by ${result.signal ?? "a timeout"}\n${text}`);
    if (/\n\s+at /.test(output))
      violations.push(`run ${index}: printed a stack trace:\n${output.slice(0, 2000)}\n${text}`);
    const after = snapshot(tree.root);
    const outputs = namedOutputs(slots, tree);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (file) => before.get(file) !== after.get(file),
    );
    const outside = changed.filter((file) => !mayTouch(file, outputs, tree));
    if (outside.length > 0)
      violations.push(`run ${index}: touched ${outside.join(", ")} (exit ${result.status})\n${text}`);
    const touchedInputs = changed.filter((file) => tree.inputs.includes(file));
    if (touchedInputs.length > 0) violations.push(`run ${index}: changed inputs ${touchedInputs.join(", ")}\n${text}`);
    if ((index + 1) % 10 === 0)
      process.stderr.write(`output paths: ${index + 1} runs done, ${violations.length} violations\n`);
  }
  const runSeconds = (performance.now() - runStarted) / 1000;
  return {
    cases: settings.cases,
    clean,
    caseSeconds,
    runs: settings.runs,
    runsTrained,
    runSeconds,
    violations,
    runViolations: violations.length - caseViolations,
  };
}

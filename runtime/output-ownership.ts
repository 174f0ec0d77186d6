/**
 * Ownership of outputs: DLM replaces or deletes only what it can prove it wrote, and never
 * writes where its own inputs live. Two parts:
 *
 * - `outputPathProblem` (pure): an output path (export, checkpoint, log, report) must not
 *   be or contain the `.dlm` file, a data source or the `.dlm`'s folder, and a relative
 *   path must not climb out of that folder with `..`. `dlm check` (DLM520/DLM521) and the
 *   runtime (before training) both ask it.
 * - `dlmOwnership` (reads the disk): whether what stands at an output path is absent, a
 *   folder or file DLM wrote (a bundle of known files with DLM's signature, a CSV log, a
 *   report), or something else, which DLM refuses to touch.
 */
import { promises as fs, readdirSync, readFileSync, statSync, type Stats } from "node:fs";
import * as path from "node:path";

/** What an output path is used for; it decides what DLM may find there. */
export type OutputKind = "export" | "checkpoint" | "log" | "report";

/** An input of the experiment that no output may touch. */
export interface ProtectedInput {
  /** Absolute path. */
  readonly path: string;
  /** In messages: "the .dlm file", "data source `csv(\"iris.csv\")`". */
  readonly what: string;
  /** A folder input (an image folder): outputs inside it are refused too. */
  readonly isFolder?: boolean;
}

/** Why an output path is refused, and the code `dlm check` reports it with. */
export interface OutputPathProblem {
  readonly code: "DLM520" | "DLM521";
  readonly message: string;
  readonly help: string;
}

/** True when `inner` is `outer` or lies below it (both absolute, normalised). */
export function isSameOrInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === "" || (!relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative));
}

/**
 * The problem with writing output `written` (as the `.dlm` wrote it) of an experiment
 * whose `.dlm` folder is `dlmDir`, or undefined when the path is allowed. Pure.
 */
export function outputPathProblem(
  written: string,
  dlmDir: string,
  inputs: readonly ProtectedInput[],
  pathModule: typeof path.posix = path,
): OutputPathProblem | undefined {
  const base = pathModule.resolve(dlmDir);
  const target = pathModule.resolve(base, written);
  const inside = (inner: string, outer: string) => {
    const relative = pathModule.relative(outer, inner);
    return (
      relative === "" ||
      (relative !== ".." && !relative.startsWith(`..${pathModule.sep}`) && !pathModule.isAbsolute(relative))
    );
  };
  if (inside(base, target)) {
    return {
      code: "DLM520",
      message: `output path "${written}" is the .dlm file's own folder${target === base ? "" : " or a folder above it"} (${target}): writing there would replace the project`,
      help: `name a folder inside it, e.g. "exports/NAME"`,
    };
  }
  for (const input of inputs) {
    const resolved = pathModule.resolve(input.path);
    if (inside(resolved, target) || (input.isFolder === true && inside(target, resolved))) {
      const relation = resolved === target ? "is" : inside(resolved, target) ? "contains" : "lies inside";
      return {
        code: "DLM520",
        message: `output path "${written}" ${relation} ${input.what} (${resolved}): DLM never writes over its own inputs`,
        help: `choose a path of its own, e.g. "exports/NAME" or "logs/NAME.csv"`,
      };
    }
  }
  if (!pathModule.isAbsolute(written) && !inside(target, base)) {
    return {
      code: "DLM521",
      message: `output path "${written}" climbs out of the .dlm file's folder (${base}) to ${target}`,
      help: "keep outputs below the .dlm file's folder, or write the absolute path if you mean that place",
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// What stands at an output path.

/** Files a bundle folder (export, checkpoint, saved model, run checkpoint) may hold. */
export const BUNDLE_ENTRIES: ReadonlySet<string> = new Set([
  "model.json",
  "weights.bin",
  "preprocessing.json",
  "labels.json",
  "card.json",
  "checkpoint.json",
  "stage.json",
]);

/** A JSON file DLM reads to recognise its own bundle is small; anything bigger is not DLM's. */
const LARGEST_SIGNATURE_BYTES = 1 << 20;

/** What stands at an output path. */
export type Ownership =
  { readonly owned: true; readonly exists: boolean } | { readonly owned: false; readonly reason: string };

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function readSmallJson(file: string): unknown {
  const stats = statOrUndefined(file);
  if (stats === undefined || !stats.isFile() || stats.size > LARGEST_SIGNATURE_BYTES) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function hasField(value: unknown, field: string, type: "string" | "number"): boolean {
  return typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)[field] === type;
}

/**
 * Whether `dir` is a bundle folder DLM wrote: only bundle files, and DLM's signature —
 * `card.json` with `dlmVersion` (an export), `checkpoint.json` with `epoch` (a checkpoint),
 * or exactly the model files `saveModel` writes. An empty folder is DLM's too (nothing to lose).
 */
function bundleOwnership(dir: string): Ownership {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    return { owned: false, reason: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})` };
  }
  if (entries.length === 0) return { owned: true, exists: true };
  const foreign = entries.filter((entry) => !BUNDLE_ENTRIES.has(entry));
  if (foreign.length > 0) {
    const shown = foreign
      .slice(0, 3)
      .map((entry) => JSON.stringify(entry))
      .join(", ");
    return {
      owned: false,
      reason: `it holds files DLM did not write (${shown}${foreign.length > 3 ? `, … ${foreign.length} in all` : ""})`,
    };
  }
  for (const entry of entries) {
    if (!statOrUndefined(path.join(dir, entry))?.isFile())
      return { owned: false, reason: `"${entry}" in it is not a plain file` };
  }
  const signed =
    hasField(readSmallJson(path.join(dir, "card.json")), "dlmVersion", "string") ||
    hasField(readSmallJson(path.join(dir, "checkpoint.json")), "epoch", "number") ||
    entries.every((entry) => entry === "model.json" || entry === "weights.bin");
  return signed
    ? { owned: true, exists: true }
    : { owned: false, reason: "it carries no DLM signature (card.json or checkpoint.json)" };
}

/** The first bytes of a file, enough to recognise a DLM log or report. */
function fileStart(file: string, bytes: number): string {
  try {
    const buffer = readFileSync(file, { flag: "r" }).subarray(0, bytes);
    return buffer.toString("utf8");
  } catch {
    return "";
  }
}

/** Bytes read to recognise a report: its marker is in the head of the page. */
const REPORT_HEAD_BYTES = 4096;

/**
 * What stands at `target` (absolute) for an output of `kind`: nothing, something DLM wrote
 * (and may replace), or something else (with the reason). Reads the disk, never writes.
 */
export function dlmOwnership(target: string, kind: OutputKind): Ownership {
  let stats: Stats;
  try {
    stats = statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { owned: true, exists: false };
    if (code === "ENOTDIR") return { owned: false, reason: "a part of the path is a file, not a folder" };
    return { owned: false, reason: `it cannot be read (${code ?? "error"})` };
  }
  if (kind === "export" || kind === "checkpoint") {
    if (!stats.isDirectory()) return { owned: false, reason: "it is a file, and DLM writes a folder there" };
    return bundleOwnership(target);
  }
  if (!stats.isFile()) return { owned: false, reason: "it is not a plain file" };
  if (stats.size === 0) return { owned: true, exists: true };
  if (kind === "log") {
    // csv_logger's files begin with their header, `epoch` then the log names
    return /^epoch[^\n]*\n/.test(fileStart(target, 4096))
      ? { owned: true, exists: true }
      : { owned: false, reason: "it is not a log csv_logger wrote (no `epoch` header)" };
  }
  if (stats.size > 64 * 1024 * 1024) return { owned: false, reason: "it is not a report DLM wrote" };
  return fileStart(target, stats.size).includes("DLM run report")
    ? { owned: true, exists: true }
    : { owned: false, reason: "it is not a report DLM wrote" };
}

/** An output DLM refuses to write: the message names the path and what to do. */
export class OutputOwnershipError extends Error {
  override readonly name = "OutputOwnershipError";
}

/** How an output is named in messages. */
const KIND_LABEL: Readonly<Record<OutputKind, string>> = {
  export: "export",
  checkpoint: "model_checkpoint",
  log: "csv_logger",
  report: "report",
};

/** Throws `OutputOwnershipError` unless what stands at `target` is absent or DLM's own. */
export function assertOwnedOutput(target: string, kind: OutputKind): void {
  const ownership = dlmOwnership(target, kind);
  if (ownership.owned) return;
  throw new OutputOwnershipError(
    `${KIND_LABEL[kind]} path ${target} already exists and DLM did not write it: ${ownership.reason}; ` +
      "DLM replaces only what it wrote. Move it away or choose another path",
  );
}

// ---------------------------------------------------------------------------------------
// Temporary folders of the bundle writer.

/** `<target>.tmp-<pid>-XXXXXX`: the bundle writer's temporary folders, named after the writing process. */
export function temporaryPrefix(target: string): string {
  return `${target}.tmp-${process.pid}-`;
}

/** Matches the names the bundle writer gives temporary folders for `base` (its own and older `.tmp-XXXXXX` ones). */
function temporaryName(base: string): RegExp {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped}\\.tmp-(?:(\\d+)-)?[A-Za-z0-9]{6}$`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary folders a killed bundle writer left beside `target`: only names the
 * writer makes, only when their process is gone, and only when they hold nothing but bundle
 * files. Returns the folders removed.
 */
export async function removeStaleTemporaries(target: string): Promise<string[]> {
  const parent = path.dirname(target);
  const pattern = temporaryName(path.basename(target));
  let entries: string[];
  try {
    entries = await fs.readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = pattern.exec(entry);
    if (match === null) continue;
    const pid = match[1] === undefined ? undefined : Number(match[1]);
    if (pid !== undefined && isAlive(pid)) continue;
    const dir = path.join(parent, entry);
    if (!statOrUndefined(dir)?.isDirectory()) continue;
    const entriesInside = readdirSync(dir);
    if (!entriesInside.every((name) => BUNDLE_ENTRIES.has(name))) continue;
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

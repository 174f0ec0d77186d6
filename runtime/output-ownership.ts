/**
 * Ownership of outputs: DLM replaces or deletes only what it can prove it wrote, and never
 * writes where its own inputs live. Two parts:
 *
 * - `outputPathProblem` (pure): an output path (export, checkpoint, log, report) must not
 *   be or contain the `.dlm` file, a data source or the `.dlm`'s folder, and a relative
 *   path must not climb out of that folder with `..`. `dlm check` (DLM520/DLM521) and the
 *   runtime (before training) both ask it.
 * - `dlmOwnership` (reads the disk): whether what stands at an output path is absent, a
 *   folder or file DLM wrote, or something else, which DLM refuses to touch. Proof is
 *   something DLM writes and a user's file cannot have by accident: a bundle folder holds
 *   `.dlm-bundle.json` (`"writtenBy": "dlm"` and the folder's own name), written first into
 *   the temporary folder; a single file (log, report, chart) is listed with its SHA-256 in
 *   the ledger `.dlm-outputs.json` of its folder, and is DLM's only while its bytes match.
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as fs, readdirSync, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import * as path from "node:path";
import { OUTPUTS } from "../diagnostics/catalog/outputs.js";

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
  /** Why no output may go there, in messages. Default: DLM never writes over its own inputs. */
  readonly reason?: string;
}

/** Why an output path is refused, and the code `dlm check` reports it with. */
export interface OutputPathProblem {
  readonly code: typeof OUTPUTS.outputOverwritesInput | typeof OUTPUTS.outputClimbsOut;
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
      code: OUTPUTS.outputOverwritesInput,
      message: `output path "${written}" is the .dlm file's own folder${target === base ? "" : " or a folder above it"} (${target}): writing there would replace the project`,
      help: `name a folder inside it, e.g. "exports/NAME"`,
    };
  }
  for (const input of inputs) {
    const resolved = pathModule.resolve(input.path);
    if (inside(resolved, target) || (input.isFolder === true && inside(target, resolved))) {
      const relation = resolved === target ? "is" : inside(resolved, target) ? "contains" : "lies inside";
      return {
        code: OUTPUTS.outputOverwritesInput,
        message: `output path "${written}" ${relation} ${input.what} (${resolved}): ${input.reason ?? "DLM never writes over its own inputs"}`,
        help: `choose a path of its own, e.g. "exports/NAME" or "logs/NAME.csv"`,
      };
    }
  }
  if (!pathModule.isAbsolute(written) && !inside(target, base)) {
    return {
      code: OUTPUTS.outputClimbsOut,
      message: `output path "${written}" climbs out of the .dlm file's folder (${base}) to ${target}`,
      help: "keep outputs below the .dlm file's folder, or write the absolute path if you mean that place",
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// What stands at an output path.

/** The signature file of a bundle folder DLM wrote. */
const BUNDLE_MARKER_NAME = ".dlm-bundle.json";
/** The signature file of a bundle folder DLM wrote: `{"writtenBy": "dlm", "folder": NAME}`. */
export const BUNDLE_MARKER = BUNDLE_MARKER_NAME;

/** Files a bundle folder (export, checkpoint, saved model, run checkpoint) may hold. */
export const BUNDLE_ENTRIES: ReadonlySet<string> = new Set([
  "model.json",
  "weights.bin",
  "preprocessing.json",
  "labels.json",
  "card.json",
  "checkpoint.json",
  // the torch engine's checkpoints: weights, optimizer and random states (docs/engines.md)
  "torch-state.pt",
  "stage.json",
  BUNDLE_MARKER_NAME,
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

/**
 * Signs the folder `dir` that will become the bundle `target`: call first, on the fresh
 * temporary folder, so even a half-written one carries the proof that DLM made it.
 */
export async function writeBundleMarker(dir: string, target: string): Promise<void> {
  await fs.writeFile(
    path.join(dir, BUNDLE_MARKER),
    JSON.stringify({ writtenBy: "dlm", folder: path.basename(target) }) + "\n",
    { flag: "wx" },
  );
}

/**
 * Whether `dir` carries the marker DLM writes into every bundle folder, naming this folder:
 * `NAME`, or `NAME.previous` / `NAME.tmp-PID-XXXXXX` for the same bundle moved aside.
 */
function isSignedBundle(dir: string): boolean {
  const marker = readSmallJson(path.join(dir, BUNDLE_MARKER));
  if (typeof marker !== "object" || marker === null) return false;
  const { writtenBy, folder } = marker as Record<string, unknown>;
  if (writtenBy !== "dlm" || typeof folder !== "string" || folder === "") return false;
  const name = path.basename(dir);
  return name === folder || name === `${folder}.previous` || temporaryName(folder).test(name);
}

/**
 * Whether `dir` is a bundle folder DLM wrote: only bundle files, and DLM's marker
 * (`writeBundleMarker`). An empty folder is DLM's too (nothing to lose); a plain
 * `model.json` + `weights.bin` (what tfjs-node saves) is not.
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
  return isSignedBundle(dir)
    ? { owned: true, exists: true }
    : { owned: false, reason: `it carries no DLM signature (${BUNDLE_MARKER} written by DLM for this folder)` };
}

// ---------------------------------------------------------------------------------------
// The ledger of single files (logs, reports, charts) DLM wrote.

/** In each folder where DLM wrote a log, report or chart: `{"writtenBy": "dlm", "files": {NAME: SHA-256}}`. */
export const OUTPUT_LEDGER = ".dlm-outputs.json";

/** A file DLM hashes to prove it wrote it is a log or report; anything bigger is not DLM's. */
const LARGEST_LEDGERED_BYTES = 256 * 1024 * 1024;

function fileHash(file: string, stats: Stats): string | undefined {
  if (stats.size > LARGEST_LEDGERED_BYTES) return undefined;
  try {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
  } catch {
    return undefined;
  }
}

/** The ledger of `folder`: its records by file name, or why it is not DLM's. */
function readLedger(folder: string): Map<string, string> | { reason: string } {
  const file = path.join(folder, OUTPUT_LEDGER);
  const stats = statOrUndefined(file);
  if (stats === undefined) return new Map();
  const ledger = readSmallJson(file);
  const files =
    typeof ledger === "object" && ledger !== null ? (ledger as Record<string, unknown>)["files"] : undefined;
  if (
    (ledger as Record<string, unknown> | undefined)?.["writtenBy"] !== "dlm" ||
    typeof files !== "object" ||
    files === null
  )
    return { reason: `${file} is not a ledger DLM wrote` };
  const records = new Map<string, string>();
  for (const [name, hash] of Object.entries(files)) if (typeof hash === "string") records.set(name, hash);
  return records;
}

/** The SHA-256 the ledger beside `target` records for it, or why there is none. */
function ledgerRecord(target: string): string | { reason: string } {
  const ledger = readLedger(path.dirname(target));
  if (!(ledger instanceof Map)) return ledger;
  return (
    ledger.get(path.basename(target)) ?? {
      reason: `DLM has no record of writing it (${OUTPUT_LEDGER} beside it does not list it)`,
    }
  );
}

/**
 * Records in the ledger of its folder that DLM wrote `file` as it is now; call after each
 * write of a log, report or chart. Refuses (`OutputOwnershipError`) a ledger DLM did not write.
 */
export async function recordWrittenFile(file: string): Promise<void> {
  const target = path.resolve(file);
  const folder = path.dirname(target);
  const ledger = readLedger(folder);
  if (!(ledger instanceof Map)) throw new OutputOwnershipError(`${ledger.reason}; DLM does not replace it`);
  const hash = createHash("sha256")
    .update(await fs.readFile(target))
    .digest("hex");
  ledger.set(path.basename(target), hash);
  const text = JSON.stringify({ writtenBy: "dlm", files: Object.fromEntries([...ledger].sort()) }, null, 2) + "\n";
  const temporary = path.join(folder, `${OUTPUT_LEDGER}.${process.pid}.${Date.now()}.tmp`);
  await fs.writeFile(temporary, text, { flag: "wx" });
  await fs.rename(temporary, path.join(folder, OUTPUT_LEDGER));
}

/**
 * What stands at `target` (absolute) for an output of `kind`: nothing, something DLM wrote
 * (and may replace), or something else (with the reason). Reads the disk, never writes.
 */
export function dlmOwnership(target: string, kind: OutputKind): Ownership {
  if (kind !== "export" && kind !== "checkpoint" && path.basename(target) === OUTPUT_LEDGER)
    return { owned: false, reason: "it is the ledger where DLM records the files it wrote" };
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
  const recorded = ledgerRecord(target);
  if (typeof recorded !== "string") return { owned: false, reason: recorded.reason };
  return recorded === fileHash(target, stats)
    ? { owned: true, exists: true }
    : { owned: false, reason: `it changed since DLM wrote it (its SHA-256 differs from ${OUTPUT_LEDGER}'s)` };
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
 * writer makes, only when their process is gone, only when they hold nothing but bundle
 * files, and only when they carry the marker DLM writes into a temporary folder first.
 * Returns the folders removed.
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
    if (!entriesInside.every((name) => BUNDLE_ENTRIES.has(name)) || !isSignedBundle(dir)) continue;
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

// ---------------------------------------------------------------------------------------
// One writer per bundle folder at a time.

/** How long a bundle writer waits for another process writing the same folder. */
const LOCK_WAIT_MS = 120_000;
const LOCK_POLL_MS = 50;

/** The lock file beside `target` (absolute) that a bundle writer holds while it replaces it. */
export function lockPath(target: string): string {
  return `${target}.dlm-lock`;
}

/** The pid in a lock file DLM wrote; undefined when the file is not DLM's lock. */
function lockOwner(file: string): number | undefined {
  const lock = readSmallJson(file);
  if (typeof lock !== "object" || lock === null) return undefined;
  const { writtenBy, pid } = lock as Record<string, unknown>;
  return writtenBy === "dlm" && typeof pid === "number" && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Creates the lock file whole, or returns false when one is there. The content is written to
 * a file of this process's own first and linked into place, so no other process ever reads a
 * lock without its owner (a lock created empty and filled afterwards was once read in between,
 * under load, and refused as a file DLM did not write). Where the file system has no hard
 * links, the lock is created and filled in one exclusive write.
 */
async function createLockFile(file: string): Promise<boolean> {
  const content = JSON.stringify({ writtenBy: "dlm", pid: process.pid }) + "\n";
  const own = `${file}.${process.pid}-${randomBytes(6).toString("hex")}`;
  await fs.writeFile(own, content, { flag: "wx" });
  try {
    await fs.link(own, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
  } finally {
    await fs.rm(own, { force: true });
  }
  try {
    await fs.writeFile(file, content, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Runs `work` while holding `<target>.dlm-lock`, created with `O_EXCL`, so two processes
 * never replace one folder at the same time: the second waits (up to two minutes) for the
 * first. A lock left by a process that is gone is removed; a file at the lock's path that DLM
 * did not write is never touched (`OutputOwnershipError`).
 */
export async function withOutputLock<T>(target: string, work: () => Promise<T>): Promise<T> {
  const file = lockPath(path.resolve(target));
  const started = Date.now();
  for (;;) {
    if (await createLockFile(file)) break;
    const owner = lockOwner(file);
    if (owner === undefined) {
      // Written a moment ago and not yet complete, or a file of someone else's: look again before refusing.
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      if (lockOwner(file) === undefined && statOrUndefined(file) !== undefined)
        throw new OutputOwnershipError(`${file} exists and is not a lock DLM wrote; DLM does not remove it`);
      continue;
    }
    if (owner !== process.pid && !isAlive(owner)) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new OutputOwnershipError(
        `${target} is being written by another DLM process (pid ${owner}, lock ${file}) for over ${LOCK_WAIT_MS / 1000} s; ` +
          "wait for it to finish, or give each run its own output path",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    return await work();
  } finally {
    await fs.rm(file, { force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Symbolic links.

/** `file` with symbolic links resolved as far as it exists (the rest appended), so a link cannot hide a place. */
export function canonicalPath(file: string): string {
  const absolute = path.resolve(file);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

/**
 * The problem with output `written` once symbolic links are followed: the rules of
 * `outputPathProblem` on the resolved paths, and a relative output must still resolve to a
 * place inside the resolved project folder (a link `ckpt -> ../elsewhere` in the project is
 * no way out of it).
 */
export function resolvedOutputPathProblem(
  written: string,
  dlmDir: string,
  inputs: readonly ProtectedInput[],
): OutputPathProblem | undefined {
  const base = canonicalPath(dlmDir);
  const target = canonicalPath(path.resolve(dlmDir, written));
  const problem = outputPathProblem(
    target,
    base,
    inputs.map((input) => ({ ...input, path: canonicalPath(input.path) })),
  );
  if (problem !== undefined)
    return { ...problem, message: problem.message.replace(JSON.stringify(target), `"${written}"`) };
  if (!path.isAbsolute(written) && !isSameOrInside(target, base)) {
    return {
      code: OUTPUTS.outputClimbsOut,
      message: `output path "${written}" leads out of the .dlm file's folder (${base}) through a symbolic link, to ${target}`,
      help: "keep outputs below the .dlm file's folder, or write the absolute path if you mean that place",
    };
  }
  return undefined;
}

/** The run folders `dlm run` writes beside the `.dlm` file: no output named in the file may go there. */
export function runFoldersInput(dlmDir: string): ProtectedInput {
  return {
    path: path.join(path.resolve(dlmDir), "runs"),
    what: "the run folders (runs/)",
    isFolder: true,
    reason: "dlm run writes its run directories there",
  };
}

/** The charts a report may hold, by id; a Markdown report writes each as `<stem>-<id>.svg` beside it. */
export const REPORT_CHART_IDS = ["learning-curves", "confusion-matrix", "roc"] as const;

/** The SVG files a Markdown report at `report` may write beside it (none for an HTML report). */
export function reportChartPaths(report: string): string[] {
  if (path.extname(report).toLowerCase() !== ".md") return [];
  const stem = report.slice(0, report.length - path.extname(report).length);
  return REPORT_CHART_IDS.map((id) => `${stem}-${id}.svg`);
}

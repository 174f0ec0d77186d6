/**
 * Bounded reading of files a user names (`.dlm` sources, imports, a `pretrained` model.json):
 * only regular files, never more than a stated number of bytes. A FIFO, `/dev/zero` or a
 * directory is refused before a byte is read, so no input can block or grow a process.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

/** The largest `.dlm` source the CLI and the language server read: 16 MB. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** The largest `pretrained(...)` model.json the checker reads (its topology; the weights are not read): 64 MB. */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** Largest Keras model file (`.h5`, `.keras`) the checker reads for its architecture: 500 MB (a JavaScript string holds at most ~536 M characters). */
export const MAX_KERAS_CHECK_BYTES = 500 * 1000 * 1000;

/** What reading a bounded file gave: its text, or why it was not read. */
export type BoundedRead =
  /** `truncated`: only the file's first complete lines were read (see `prefix` of `readBoundedTextFile`). */
  | { readonly kind: "text"; readonly text: string; readonly truncated?: boolean }
  | { readonly kind: "missing" }
  /** A directory, FIFO, socket or device: `what` says which, e.g. "a directory". */
  | { readonly kind: "not-a-file"; readonly what: string }
  | { readonly kind: "too-large"; readonly limitBytes: number }
  /** Any other failure; `reason` is the system's code or message, e.g. "EACCES". */
  | { readonly kind: "unreadable"; readonly reason: string };

/** Names the kind of a non-regular file for a message: "a directory", "a FIFO (named pipe)", … */
export function describeFileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  if (stats.isSymbolicLink()) return "a symbolic link";
  return "a regular file";
}

/** Sizes in messages: "16 MB", "512 KB", "100 bytes". */
export function formatByteLimit(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** Options of `readBoundedTextFile`. */
export interface BoundedReadOptions {
  /**
   * Read a larger file's first complete lines within the limit (marked `truncated`) instead of
   * refusing it; a first line longer than the limit is still "too-large". Default false.
   */
  readonly prefix?: boolean;
  /**
   * How the bytes become text. Default `utf8`; `latin1` maps each byte to one character, so
   * `Buffer.from(text, "latin1")` gives a binary file's bytes back (`pretrained("model.h5")`).
   */
  readonly encoding?: "utf8" | "latin1";
}

/**
 * Reads `path` as UTF-8 only when it is a regular file of at most `limitBytes` bytes. Never
 * throws and never blocks: the file is opened non-blocking and checked again after opening,
 * and reading stops one byte past the limit (files such as /proc entries report size 0).
 */
export function readBoundedTextFile(
  path: string,
  limitBytes: number = MAX_SOURCE_BYTES,
  options: BoundedReadOptions = {},
): BoundedRead {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return failure(error);
  }
  if (!stats.isFile()) return { kind: "not-a-file", what: describeFileKind(stats) };
  if (stats.size > limitBytes && options.prefix !== true) return { kind: "too-large", limitBytes };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return failure(error);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { kind: "not-a-file", what: describeFileKind(opened) };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limitBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limitBytes)
        return options.prefix === true
          ? completeLines(Buffer.concat(chunks, total), limitBytes)
          : { kind: "too-large", limitBytes };
    }
    return { kind: "text", text: Buffer.concat(chunks, total).toString(options.encoding ?? "utf8") };
  } catch (error) {
    return failure(error);
  } finally {
    closeSync(fd);
  }
}

/** The complete lines among the first `limitBytes` bytes (cut at a line break, so never inside a character). */
function completeLines(bytes: Buffer, limitBytes: number): BoundedRead {
  const lastBreak = bytes.subarray(0, limitBytes).lastIndexOf(0x0a);
  if (lastBreak < 0) return { kind: "too-large", limitBytes };
  return { kind: "text", text: bytes.subarray(0, lastBreak + 1).toString("utf8"), truncated: true };
}

/** One line saying why `path` was not read, e.g. "cannot read `x.dlm`: it is a FIFO (named pipe), not a regular file". */
export function describeBoundedReadFailure(path: string, result: Exclude<BoundedRead, { kind: "text" }>): string {
  switch (result.kind) {
    case "missing":
      return `cannot read \`${path}\`: no such file`;
    case "not-a-file":
      return `cannot read \`${path}\`: it is ${result.what}, not a regular file`;
    case "too-large":
      return `cannot read \`${path}\`: it is larger than ${formatByteLimit(result.limitBytes)}, the most DLM reads from such a file`;
    case "unreadable":
      return `cannot read \`${path}\`: ${result.reason}`;
  }
}

function failure(error: unknown): Exclude<BoundedRead, { kind: "text" }> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
  if (code === "EACCES" || code === "EPERM") return { kind: "unreadable", reason: "permission denied" };
  if (code === "EISDIR") return { kind: "not-a-file", what: "a directory" };
  return { kind: "unreadable", reason: code ?? String(error) };
}

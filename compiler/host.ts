/**
 * How the compiler reaches files. The program reads `.dlm` sources and `pretrained`
 * model.json files only through a host, so tests and the language server can supply
 * files from memory.
 */
import * as path from "node:path";
import type { ParseResult } from "../grammar/parse.js";
import { MAX_SOURCE_BYTES, readBoundedTextFile, type BoundedRead, type BoundedReadOptions } from "./source-limits.js";

/** The compiler's only access to files. */
export interface CompilerHost {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /**
   * The file's text when it is a regular file within `limitBytes`, else why not (see
   * `readBoundedTextFile`): asked when `readFile` has no text (see `readHostFile`).
   */
  readBoundedFile?(path: string, limitBytes: number, options?: BoundedReadOptions): BoundedRead;
  /** The path `spec` (as written in `fromFile`) names, relative to `fromFile`'s folder. */
  resolve(fromFile: string, spec: string): string;
  /**
   * Parses a file's text (`parseDlm` when absent). A host that checks again and again (the
   * language server) can answer from the parses of texts it has seen: results are never changed.
   */
  parse?(path: string, text: string): ParseResult;
}

/**
 * A host over the real file system. Paths resolve against the importing file's folder and
 * stay relative when the importing path is (so messages show `lib/blocks.dlm`, not an absolute path).
 */
export function nodeCompilerHost(): CompilerHost {
  return {
    readFile(file) {
      const read = readBoundedTextFile(file, MAX_SOURCE_BYTES);
      return read.kind === "text" ? read.text : undefined;
    },
    readBoundedFile: readBoundedTextFile,
    resolve(fromFile, spec) {
      return path.isAbsolute(spec) ? path.normalize(spec) : path.join(path.dirname(fromFile), spec);
    },
  };
}

/**
 * A host over in-memory files (tests, the language server's open documents). Paths are
 * POSIX-style and resolve against the importing file's folder: `a/main.dlm` + `../x.dlm` → `x.dlm`.
 */
export function inMemoryCompilerHost(files: Readonly<Record<string, string>> | ReadonlyMap<string, string>): CompilerHost {
  const contents = files instanceof Map ? files : new Map(Object.entries(files));
  return {
    readFile(file) {
      return contents.get(file);
    },
    resolve(fromFile, spec) {
      if (path.posix.isAbsolute(spec)) return path.posix.normalize(spec);
      return path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec));
    },
  };
}

/**
 * Reads a file through `host` within `limitBytes`. `readFile` answers first (a host that wraps
 * another and replaces `readFile` for some files is obeyed); when it has no text, the host's
 * `readBoundedFile` says why, or reads the start of a file too large for `readFile`.
 */
export function readHostFile(host: CompilerHost, file: string, limitBytes: number, options: BoundedReadOptions = {}): BoundedRead {
  const text = host.readFile(file);
  if (text === undefined) return host.readBoundedFile?.(file, limitBytes, options) ?? { kind: "missing" };
  if (Buffer.byteLength(text, "utf8") <= limitBytes) return { kind: "text", text };
  if (options.prefix !== true) return { kind: "too-large", limitBytes };
  const lastBreak = text.lastIndexOf("\n", limitBytes);
  return lastBreak < 0 ? { kind: "too-large", limitBytes } : { kind: "text", text: text.slice(0, lastBreak + 1), truncated: true };
}

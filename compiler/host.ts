/**
 * How the compiler reaches files. The program reads `.dlm` sources and `pretrained`
 * model.json files only through a host, so tests and the language server can supply
 * files from memory.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { ParseResult } from "../grammar/parse.js";

/** The compiler's only access to files. */
export interface CompilerHost {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
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
      try {
        return readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
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

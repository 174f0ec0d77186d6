/**
 * The declarations of the `.dlm` files in the workspace folders that are not open, for
 * workspace symbols: found by a bounded walk (no `node_modules`, no hidden folders, at most
 * {@link MAX_INDEXED_FILES} files of at most 1 MB each), parsed once per modification time.
 */
import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Declaration } from "../../grammar/ast.js";
import { parseDlm } from "../../grammar/parse.js";
import { readBoundedTextFile } from "../../compiler/source-limits.js";

/** At most this many files are indexed: a huge folder opened by mistake costs a bounded walk. */
export const MAX_INDEXED_FILES = 2_000;
const MAX_INDEXED_BYTES = 1024 * 1024;
const MAX_DEPTH = 8;

/** One declaration found on disk. */
export interface IndexedDeclaration {
  readonly file: string;
  readonly text: string;
  readonly declaration: Declaration;
}

/** The `.dlm` files under some folders and their declarations, re-read when a file's modification time changes. */
export class WorkspaceIndex {
  private readonly parsed = new Map<string, { readonly mtimeMs: number; readonly text: string; readonly declarations: readonly Declaration[] }>();

  constructor(private readonly folders: readonly string[]) {}

  /** Every declaration of every `.dlm` file found, except those of `skip` (the open documents, answered from their checks). */
  declarations(skip: ReadonlySet<string>): IndexedDeclaration[] {
    const found: IndexedDeclaration[] = [];
    for (const file of this.files()) {
      if (skip.has(file)) continue;
      const entry = this.read(file);
      if (entry) for (const declaration of entry.declarations) found.push({ file, text: entry.text, declaration });
    }
    return found;
  }

  private read(file: string): { text: string; declarations: readonly Declaration[] } | undefined {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      this.parsed.delete(file);
      return undefined;
    }
    const known = this.parsed.get(file);
    if (known && known.mtimeMs === mtimeMs) return known;
    const read = readBoundedTextFile(file, MAX_INDEXED_BYTES);
    if (read.kind !== "text") return undefined;
    const declarations = parseDlm(read.text, file).ast.declarations.filter((declaration) => !declaration.missing && !declaration.name.missing);
    const entry = { mtimeMs, text: read.text, declarations };
    this.parsed.set(file, entry);
    return entry;
  }

  private files(): string[] {
    const files: string[] = [];
    const walk = (folder: string, depth: number): void => {
      if (depth > MAX_DEPTH || files.length >= MAX_INDEXED_FILES) return;
      let entries;
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (files.length >= MAX_INDEXED_FILES) return;
        if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) walk(full, depth + 1);
        else if (entry.isFile() && entry.name.endsWith(".dlm")) files.push(full);
      }
    };
    for (const folder of this.folders) walk(folder, 0);
    return files;
  }
}

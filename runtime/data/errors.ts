/**
 * The one error type of the data pipeline. A user's mistake in their data (a missing value,
 * an unknown column, an unreadable image) becomes a `DataError` that names where it is, so
 * the CLI can print it without a stack trace.
 */

/** Where in a data file a problem sits; every field is optional because not every source has lines. */
export interface DataLocation {
  /** The file (or folder) at fault, as the user named it or as resolved on disk. */
  readonly file?: string;
  /** 1-based line in the file (CSV). */
  readonly line?: number;
  /** The column's name (its header), when the problem is in one column. */
  readonly column?: string;
  /** 1-based record number, for sources without lines (JSON records). */
  readonly row?: number;
}

/** A problem with the user's data or data settings, located as precisely as the source allows. */
export class DataError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: string;
  readonly row?: number;
  /** The message without the location prefix. */
  readonly reason: string;

  constructor(reason: string, location: DataLocation = {}) {
    super(formatLocation(location) + reason);
    this.name = "DataError";
    this.reason = reason;
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
    this.row = location.row;
  }
}

/** `file:line: column "x": ` — the prefix compilers print, so editors can jump to it. */
function formatLocation(location: DataLocation): string {
  const parts: string[] = [];
  if (location.file !== undefined) {
    parts.push(location.line !== undefined ? `${location.file}:${location.line}` : location.file);
  }
  if (location.row !== undefined) parts.push(`record ${location.row}`);
  if (location.column !== undefined) parts.push(`column "${location.column}"`);
  return parts.length === 0 ? "" : parts.join(", ") + ": ";
}

/** A built-in data set whose files are not on this machine; `installCommand` says how to get them. */
export class MissingDatasetError extends DataError {
  readonly installCommand: string;

  constructor(dataset: string, installCommand: string, file: string) {
    super(`the data set "${dataset}" is not installed; run \`${installCommand}\``, { file });
    this.name = "MissingDatasetError";
    this.installCommand = installCommand;
  }
}

/** A short reason from a Node file-system error (`ENOENT` → "no such file"). */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return error instanceof Error ? error.message : String(error);
}

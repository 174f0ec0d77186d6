/**
 * File-system failures in words: a read-only folder says so (not a bare EACCES, never ENOENT),
 * and a full disk names the file being written (a failed `write` carries no path of its own).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

/** Node's error for a failed system call: `code`, and `path`/`syscall` where it has them. */
interface SystemError {
  readonly code: string;
  readonly path?: string;
  readonly dest?: string;
  readonly syscall?: string;
}

function isSystemError(error: unknown): error is SystemError {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string";
}

/** System calls that create, change or remove an entry of a folder (the folder's permissions decide). */
const CHANGES_FOLDER = new Set(["mkdir", "mkdtemp", "rename", "unlink", "rmdir", "rm", "symlink", "link", "copyfile"]);

/**
 * One sentence for a failed write: "cannot write `out/a.ts`: the folder `out` is read-only
 * (permission denied)", "cannot write `runs/x/history.csv`: no space left on the device".
 * `file` names what was being written when the error does not (a `write` that hit a full disk).
 * Undefined for errors that are not system errors.
 */
export function describeWriteError(error: unknown, file?: string): string | undefined {
  if (!isSystemError(error)) return undefined;
  const target = file ?? error.path ?? error.dest;
  const reason = writeFailureReason(error, target);
  if (reason === undefined) return undefined;
  return target === undefined ? `cannot write: ${reason}` : `cannot write \`${target}\`: ${reason}`;
}

/**
 * Why a write of `target` failed, without the "cannot write" ("the folder `.` is read-only
 * (permission denied)"), for a message that names another file (the one a temporary file
 * stood in for). Undefined for errors that are not system errors.
 */
export function writeFailureReason(error: unknown, target: string | undefined = undefined): string | undefined {
  if (!isSystemError(error)) return undefined;
  target ??= error.path ?? error.dest;
  const folder = target === undefined ? undefined : path.dirname(target);
  switch (error.code) {
    case "EACCES":
    case "EPERM":
      if (target !== undefined && error.syscall === "open" && existsSync(target))
        return "the file is read-only (permission denied)";
      if (
        folder !== undefined &&
        (error.syscall === undefined || error.syscall === "open" || CHANGES_FOLDER.has(error.syscall))
      ) {
        return `the folder \`${folder}\` is read-only (permission denied)`;
      }
      return "permission denied";
    case "EROFS":
      return "the file system is mounted read-only";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "the disk quota is exhausted";
    case "ENOENT":
      return folder === undefined ? "no such folder" : `the folder \`${folder}\` does not exist`;
    case "ENOTDIR":
      return "a part of the path is a file, not a folder";
    case "EISDIR":
      return "it is a folder";
    case "EEXIST":
      return "something is already there";
    default:
      return target === undefined ? undefined : error.code;
  }
}

/**
 * `describeWriteError` for a failure whose system call shows it was a write (a folder made,
 * renamed or removed; a full or read-only disk), else undefined: an error from anywhere in a
 * run can be passed, and a failed read keeps its own message.
 */
export function describeFailedWrite(error: unknown): string | undefined {
  if (!isSystemError(error)) return undefined;
  const writing =
    ["EROFS", "ENOSPC", "EDQUOT"].includes(error.code) ||
    (["EACCES", "EPERM"].includes(error.code) && error.syscall !== undefined && CHANGES_FOLDER.has(error.syscall));
  return writing ? describeWriteError(error) : undefined;
}

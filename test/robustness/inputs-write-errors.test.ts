/**
 * Failed writes in words: a read-only folder is reported as read-only (it was a bare `EACCES`,
 * or `ENOENT` from a later step), and a full disk names the file being written (a failed
 * `write` carries no path). Read-only folders bind root only through another user, so as root
 * the commands run as `nobody`.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeFailedWrite, describeWriteError } from "../../runtime/file-system-errors.js";
import { makeScratch, ROOT, runDlm, STACK_TRACE } from "./runs/scratch.js";

const scratch = makeScratch("inputs-write-errors");
chmodSync(scratch, 0o755);

const PROGRAM = `experiment w {
  seed: 1
  data { source: builtin("iris") split { train: 0.8, test: 0.2 } }
  model { dense(3, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}
`;

const isRoot = process.getuid?.() === 0;
const canSwitchUser = isRoot && spawnSync("setpriv", ["--version"]).status === 0;

/** Runs `dlm ARGS` in `cwd` as a user that the folder's permissions bind (nobody, when we are root). */
function runUnprivileged(cwd: string, args: readonly string[]) {
  const command = canSwitchUser
    ? [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        process.execPath,
        join(ROOT, "bin", "dlm.js"),
        ...args,
      ]
    : [process.execPath, join(ROOT, "bin", "dlm.js"), ...args];
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1", HOME: "/tmp" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("a read-only folder", () => {
  it.skipIf(isRoot && !canSwitchUser)(
    "dlm compile, dlm run and dlm fmt say the folder is read-only",
    () => {
      const dir = join(scratch, "locked");
      mkdirSync(dir);
      writeFileSync(join(dir, "w.dlm"), PROGRAM);
      // `dlm run` writes its program to out/: leave that writable, so the run's own folders are next.
      mkdirSync(join(dir, "out"));
      chmodSync(join(dir, "out"), 0o777);
      // A file dlm fmt would change, writable itself: fmt writes a temporary file beside it first.
      writeFileSync(join(dir, "messy.dlm"), "model M(input: [4]) {\n      dense(3)\n}\n");
      chmodSync(join(dir, "messy.dlm"), 0o666);
      chmodSync(dir, 0o555);
      try {
        const compile = runUnprivileged(dir, ["compile", "w.dlm", "--out", "generated"]);
        expect(compile.status).toBe(2);
        expect(compile.stderr.trim()).toBe(
          "error: cannot write `generated`: the folder `.` is read-only (permission denied)",
        );
        const run = runUnprivileged(dir, ["run", "w.dlm"]);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(
          /^error: cannot write `[^`]*runs[^`]*`: the folder `[^`]*` is read-only \(permission denied\)$/m,
        );
        expect(run.stderr).not.toMatch(/ENOENT|EACCES|STACK/);
        expect(run.stderr).not.toMatch(STACK_TRACE);
        const fmt = runUnprivileged(dir, ["fmt", "messy.dlm"]);
        expect(fmt.stderr.trim()).toBe(
          "error: cannot write `messy.dlm`: the folder `.` is read-only (permission denied)",
        );
      } finally {
        chmodSync(dir, 0o755);
      }
    },
    180_000,
  );
});

describe("a full disk", () => {
  // A program is written beside its target and renamed over it, never through a link, so a
  // link to a full device is refused before any write; the ENOSPC wording is tested below.
  it("dlm compile never writes through a link to /dev/full: it names the link and refuses", () => {
    writeFileSync(join(scratch, "w.dlm"), PROGRAM);
    mkdirSync(join(scratch, "full"));
    symlinkSync("/dev/full", join(scratch, "full", "w.ts"));
    const result = runDlm(scratch, ["compile", "w.dlm", "--out", "full"]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      "error: refusing to write the program `full/w.ts`: it is a symbolic link; move it away or choose another --out",
    );
  });

  it("a write's ENOSPC, which carries no path, is described with the file being written", () => {
    let error: unknown;
    try {
      writeFileSync("/dev/full", "x");
    } catch (caught) {
      error = caught;
    }
    expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
    expect((error as NodeJS.ErrnoException).path).toBeUndefined();
    expect(describeWriteError(error, "runs/w/history.csv")).toBe(
      "cannot write `runs/w/history.csv`: no space left on the device",
    );
    expect(describeFailedWrite(Object.assign(new Error("x"), { code: "ENOSPC", syscall: "write" }))).toBe(
      "cannot write: no space left on the device",
    );
    // A failed read keeps its own message.
    expect(
      describeFailedWrite(Object.assign(new Error("x"), { code: "EACCES", syscall: "open", path: "data.csv" })),
    ).toBeUndefined();
  });
});

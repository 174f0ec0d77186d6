/**
 * Names and labels as data (review of issue #14). Before: raw ESC/BEL in an output path
 * passed `dlm check`; a 300-character export name was reported as "already exists …
 * (ENAMETOOLONG)" though nothing existed; a class label `5e38` was refused as DLM513 though
 * class labels are names; `dlm fmt` on a symlink replaced the link with a plain file.
 */
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { makeScratch, runDlm, STACK_TRACE } from "./runs/scratch.js";

const scratch = makeScratch("inputs-names");

/** An experiment on builtin iris exporting to `exportPath` (a .dlm string body, escapes allowed). */
function exporting(exportPath: string): string {
  return `experiment iris {
  data { source: builtin("iris") }
  model { dense(3, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
  export: "${exportPath}"
}
`;
}

describe("DLM527: an output path that cannot name a file", () => {
  it("refuses ESC and BEL, raw or escaped, positioned on the path literal", () => {
    for (const path of ["exports/a\u001b[2Jb", "exports/bell\u0007", "exports/a\\u{1B}]0;title\\u{7}"]) {
      const source = exporting(path);
      const diagnostics = checkSource(source, "main.dlm").diagnostics;
      expect(diagnostics.map((d) => d.code)).toEqual(["DLM527"]);
      expect(diagnostics[0]!.message).toMatch(/^export: the output path holds the control character U\+00(1B|07)/);
      expect(source.slice(diagnostics[0]!.range.start, diagnostics[0]!.range.end)).toBe(`"${path}"`);
    }
  });

  it("says a 300-character name is too long, not that it already exists", () => {
    const dir = join(scratch, "long");
    mkdirSync(dir);
    writeFileSync(join(dir, "long.dlm"), exporting(`exports/${"x".repeat(300)}`));
    const result = runDlm(dir, ["check", "long.dlm"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).toContain("error[DLM527]: export: the output path has a part of 300 bytes");
    expect(result.stderr).not.toMatch(/already exists|ENAMETOOLONG/);
  });
});

describe("class labels are names", () => {
  it("a classification label `5e38` is a class, not DLM513; a feature of 5e38 still is", () => {
    const dir = join(scratch, "labels");
    mkdirSync(dir);
    const rows = ["x1,x2,grade,y"];
    for (let i = 0; i < 12; i++) rows.push(`${i},${i % 3},${i % 2},${["1", "2", "5e38"][i % 3]}`);
    writeFileSync(join(dir, "labels.csv"), rows.join("\n") + "\n");
    writeFileSync(
      join(dir, "wide.csv"),
      rows.map((row, i) => (i === 5 ? row.replace(/^\d+/, "5e38") : row)).join("\n") + "\n",
    );
    const program = (data: string) => `experiment e {
  data { source: csv("${data}", label: y) }
  model { dense(3, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}
`;
    writeFileSync(join(dir, "labels.dlm"), program("labels.csv"));
    writeFileSync(join(dir, "wide.dlm"), program("wide.csv"));
    const labels = runDlm(dir, ["check", "labels.dlm"]);
    expect(labels.stderr).not.toContain("DLM513");
    expect(labels.status, labels.stderr).toBe(0);
    const wide = runDlm(dir, ["check", "wide.dlm"]);
    expect(wide.stderr).toContain('error[DLM513]: "wide.csv" line 6, column "x1": 5e38 is outside the float32 range');
  });
});

describe("dlm fmt on a symlink", () => {
  it("formats the file the link names and keeps the link", () => {
    const dir = join(scratch, "fmt");
    mkdirSync(join(dir, "shared"), { recursive: true });
    writeFileSync(join(dir, "shared", "lib.dlm"), "model M(input: [4]) {\n      dense(3)\n}\n");
    symlinkSync("shared/lib.dlm", join(dir, "lib.dlm"));
    const result = runDlm(dir, ["fmt", "lib.dlm"]);
    expect(result.status, result.stderr).toBe(0);
    expect(lstatSync(join(dir, "lib.dlm")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "lib.dlm"))).toBe("shared/lib.dlm");
    expect(readFileSync(join(dir, "shared", "lib.dlm"), "utf8")).toBe("model M(input: [4]) {\n  dense(3)\n}\n");
  });
});

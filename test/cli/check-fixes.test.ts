/**
 * Quick fixes as `dlm check` prints them: a fix the help line already states is not
 * printed twice; a fix it does not state is printed as one more `= help:` line.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import { renderDiagnostic } from "../../diagnostics/render.js";

const ROOT = join(import.meta.dirname, "..", "..");

function check(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "dlm-fixes-")), "model.dlm");
  writeFileSync(file, text);
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "dlm.js"), "check", file], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return result.stdout + result.stderr;
}

describe("fixes in dlm check", () => {
  it("shows each fixable diagnostic's help once", () => {
    const output = check("model M(input: [2, 2, 1]) {\n  flaten\n}\nmodel N(input: [2, 2, 1]) {\n  conv2d(4, 3)\n}\n");
    expect(output).toContain("error[DLM201]");
    expect(output).toContain("error[DLM402]");
    expect(output.match(/= help: .*flatten.*/g)).toEqual(["= help: did you mean `flatten`?"]);
    expect(output.match(/= help: .*padding: same.*/g)).toHaveLength(1);
  });

  it("prints a fix the help does not state as a help line", () => {
    const diagnostic = makeDiagnostic("DLM201", "m.dlm", { start: 2, end: 8 }, {
      message: "unknown layer `flaten`",
      fixes: [{ title: "replace with `flatten`", edits: [{ file: "m.dlm", range: { start: 2, end: 8 }, newText: "flatten" }] }],
    });
    const lines = renderDiagnostic(diagnostic, "  flaten\n", { color: false }).split("\n");
    expect(lines.filter((line) => line.includes("= help:"))).toEqual(["   = help: replace with `flatten`"]);
  });
});

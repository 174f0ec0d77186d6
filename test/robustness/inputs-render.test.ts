/**
 * Diagnostics rendering is linear in the file: a 3 MB line of punctuation took 21 s to check
 * (every diagnostic walked the whole line, and every line number was counted from the top).
 * Lines are counted as editors count them (U+2028/U+2029 are not line breaks), and a flood of
 * diagnostics prints the first hundred and a count of the rest.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import { checkSource } from "../../compiler/program.js";
import { lineColumn, renderDiagnostic } from "../../diagnostics/render.js";
import { makeScratch, runDlm } from "./runs/scratch.js";

const scratch = makeScratch("inputs-render");

/** A seeded line of punctuation: the parser reports on it, and every report shows that line. */
function punctuationLine(length: number): string {
  const characters = "()[]{},;:=+-*/?.";
  let state = 12345;
  const line: string[] = [];
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    line.push(characters[(state >>> 16) % characters.length]!);
  }
  return line.join("");
}

describe("rendering cost", () => {
  it("a 3 MB line of punctuation is checked and rendered in seconds (it took 21)", () => {
    const text = punctuationLine(3 * 1024 * 1024);
    const started = performance.now();
    const result = checkSource(text);
    // The parser's own reports, and fifty more spread along the line (each took a second before).
    const spread = Array.from({ length: 50 }, (_, i) =>
      makeDiagnostic(
        "DLM101",
        "input.dlm",
        { start: i * 60_000, end: i * 60_000 + 3 },
        { message: "unexpected token" },
      ),
    );
    const rendered = [...result.diagnostics, ...spread].map((diagnostic) => renderDiagnostic(diagnostic, text));
    const seconds = (performance.now() - started) / 1000;
    expect(result.diagnostics.length).toBeGreaterThan(0);
    // Each rendering shows a window of the line, not the line.
    for (const output of rendered) expect(output.length).toBeLessThan(2_000);
    expect(seconds).toBeLessThan(5);
  });

  it("the same diagnostic far into a long line renders in the same time as near its start", () => {
    const text = "x".repeat(4_000_000);
    const time = (offset: number) => {
      const diagnostic = makeDiagnostic("DLM101", "a.dlm", { start: offset, end: offset + 1 }, { message: "m" });
      const started = performance.now();
      for (let i = 0; i < 200; i++) renderDiagnostic(diagnostic, text);
      return performance.now() - started;
    };
    time(10); // warm up, and index the text's lines once
    expect(time(3_999_990)).toBeLessThan(1_000);
  });

  it("more than a hundred diagnostics print a hundred and one line counting the rest", () => {
    const models = Array.from({ length: 130 }, (_, i) => `model M${i}(input: [4]) { no_such_layer${i}(3) }`).join("\n");
    writeFileSync(join(scratch, "many.dlm"), models + "\n");
    const result = runDlm(scratch, ["check", "many.dlm"]);
    expect(result.status).toBe(1);
    expect(result.stderr.match(/^error\[DLM\d+\]/gm)).toHaveLength(100);
    expect(result.stderr).toContain("… and 30 more (`dlm check --format json` lists them all)");
    expect(result.stderr.trim().split("\n").at(-1)).toBe("error: 130 errors found");
    const json = runDlm(scratch, ["check", "many.dlm", "--format", "json"]);
    expect(JSON.parse(json.stdout)).toHaveLength(130);
  });
});

describe("line numbers", () => {
  it("U+2028 and U+2029 do not start lines: positions match the editor's (\\n, \\r\\n and \\r only)", () => {
    const text = "model M(input: [4]) { /* a\u2028b\u2029c */\n  dense(2)\r\n  no_such_layer(3)\r  dense(1)\n}\n";
    const [diagnostic] = checkSource(text).diagnostics;
    expect(diagnostic?.code).toBe("DLM201");
    expect(lineColumn(text, diagnostic!.range.start)).toEqual({ line: 3, column: 3 });
    expect(renderDiagnostic(diagnostic!, text)).toContain("--> input.dlm:3:3");
    expect(lineColumn(text, text.indexOf("dense(1)"))).toEqual({ line: 4, column: 3 });
    expect(lineColumn(text, text.indexOf("b\u2029"))).toEqual({ line: 1, column: 28 });
  });

  it("`dlm check --format json` reports the same line as an editor", () => {
    writeFileSync(
      join(scratch, "separators.dlm"),
      "/// doc\u2028more doc\u2029\nmodel M(input: [4]) {\n  no_such_layer(3)\n}\n",
    );
    const result = runDlm(scratch, ["check", "separators.dlm", "--format", "json"]);
    const [diagnostic] = JSON.parse(result.stdout) as { line: number; column: number }[];
    expect([diagnostic?.line, diagnostic?.column]).toEqual([3, 3]);
  });
});

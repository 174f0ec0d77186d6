/**
 * Labels and names are data. Class labels `constructor`, `toString` and `__proto__` crashed the
 * report after training (Vega looks its strings up in plain objects), so nothing was exported;
 * `class_weight: { __proto__: 2 }` made the experiment vanish without a word; two experiment
 * names sharing their first 100 characters compiled to one file; and labels holding terminal
 * escape codes reached the terminal raw.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { terminalLine, terminalText } from "../../diagnostics/terminal-text.js";
import { makeScratch, runDlm } from "./runs/scratch.js";

const scratch = makeScratch("inputs-labels");

/** A label that clears the screen and rings the bell when printed raw. */
const ESCAPE_LABEL = "\u001b[2J\u0007beep";
const LABELS = ["constructor", "toString", "__proto__", ESCAPE_LABEL] as const;

/** Ten rows per class, each class around its own point, so one epoch learns something. */
function csv(): string {
  const rows = ["x1,x2,y"];
  LABELS.forEach((label, c) => {
    for (let i = 0; i < 10; i++) rows.push(`${c * 3 + (i % 3) * 0.1},${(c % 2) * 3 + (i % 4) * 0.1},"${label}"`);
  });
  return rows.join("\n") + "\n";
}

const PROGRAM = `experiment labels {
  seed: 3
  data { source: csv("data.csv", label: y) split { train: 0.6, test: 0.4, stratify: true } }
  model { dense(8, activation: relu) dense(4, activation: softmax) }
  train {
    optimizer: adam(learning_rate: 0.05)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 2
    batch_size: 8
    class_weight: { __proto__: 2, constructor: 0.5 }
  }
  evaluate { on: test metrics: [accuracy, precision, recall, f1, confusion_matrix] average: macro }
  export: "exports/labels"
}
`;

describe("class labels that are names of Object.prototype", () => {
  it("train, report, export and predict: the report's confusion matrix names every class", () => {
    writeFileSync(join(scratch, "data.csv"), csv());
    writeFileSync(join(scratch, "labels.dlm"), PROGRAM);
    const run = runDlm(scratch, ["run", "labels.dlm"]);
    expect(run.status, run.stderr).toBe(0);
    const report = readFileSync(join(scratch, "runs", "labels", "report.html"), "utf8");
    for (const label of ["constructor", "toString", "__proto__"]) expect(report).toContain(label);
    const classes = JSON.parse(readFileSync(join(scratch, "exports", "labels", "labels.json"), "utf8")) as string[];
    expect([...classes].sort()).toEqual([...LABELS].sort());
    // dlm predict prints labels: the escape codes come out written as text.
    writeFileSync(join(scratch, "rows.csv"), "x1,x2\n0,0\n9,3\n3,3\n6,0\n");
    const predicted = runDlm(scratch, ["predict", "exports/labels", "rows.csv"]);
    expect(predicted.status, predicted.stderr).toBe(0);
    expect(predicted.stdout).toContain("\\x1b[2J\\x07beep");
    for (const output of [run.stdout, run.stderr, predicted.stdout, predicted.stderr])
      expect(output).not.toMatch(/[\u0007\u001b]/);
  }, 180_000);

  it("`class_weight: { __proto__: 2 }` is a weight for class `__proto__`, or DLM220 when there is no such class", () => {
    const experiment = (source: string) =>
      `experiment e {\n  data { source: ${source} split { train: 0.8, test: 0.2 } }\n  model { dense(3, activation: softmax) }\n` +
      `  train { loss: sparse_categorical_crossentropy, epochs: 1, class_weight: { __proto__: 2 } }\n}\n`;
    const iris = checkSource(experiment('builtin("iris")'));
    expect(iris.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["DLM220", '`class_weight` names class "__proto__", which is not a class of the data'],
    ]);
    const rows = ["a,y", ...Array.from({ length: 30 }, (_, i) => `${i},${["__proto__", "b", "c"][i % 3]}`)].join("\n");
    const own = checkSource(experiment('csv("d.csv", label: y)'), "input.dlm", { "d.csv": rows });
    expect(own.diagnostics).toEqual([]);
    const weights = own.plans[0]?.train.classWeight as Record<string, number>;
    expect(Object.getPrototypeOf(weights)).toBe(Object.prototype);
    expect(Object.entries(weights)).toEqual([["__proto__", 2]]);
  });
});

describe("experiment names", () => {
  it("two names sharing their first 100 characters compile to two files", () => {
    const prefix = "x".repeat(100);
    const experiment = (name: string) =>
      `experiment ${name} {\n  data { source: builtin("iris") split { train: 0.8, test: 0.2 } }\n  model { dense(3, activation: softmax) }\n` +
      `  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n`;
    writeFileSync(join(scratch, "names.dlm"), experiment(`${prefix}_one`) + experiment(`${prefix}_two`));
    const result = runDlm(scratch, ["compile", "names.dlm", "--out", "generated"]);
    expect(result.status, result.stderr).toBe(0);
    const written = result.stdout.trim().split("\n");
    expect(written).toHaveLength(2);
    expect(new Set(written).size).toBe(2);
    const [first, second] = written.map((line) => readFileSync(join(scratch, line.replace(/^wrote /, "")), "utf8"));
    expect(first).toContain(`${prefix}_one`);
    expect(second).toContain(`${prefix}_two`);
  });
});

describe("terminal text", () => {
  it("control characters and bidirectional overrides are written as escapes; tabs and newlines stay", () => {
    expect(terminalText("a\u001b[31mb\u0007c\u009bd\u202ee\tf\ng\r")).toBe(
      "a\\x1b[31mb\\x07c\\x9bd\\u202ee\tf\ng\\x0d",
    );
    expect(terminalLine("a\nb\rc")).toBe("a\\nb\\rc");
  });

  it("a diagnostic quoting a hostile name and a hostile file name print no escape code", () => {
    const file = "evil\u001b]0;title\u0007.dlm";
    writeFileSync(
      join(scratch, file),
      'experiment e {\n  data { source: builtin("iris") split { train: 0.8, test: 0.2 } }\n  model { dense(3, activation: softmax) }\n' +
        '  train { loss: sparse_categorical_crossentropy, epochs: 1, class_weight: { "\\u{1b}[2Jx": 2 } }\n}\n',
    );
    const result = runDlm(scratch, ["check", file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('names class "\\x1b[2Jx"');
    expect(result.stderr).toContain("--> evil\\x1b]0;title\\x07.dlm:4:");
    expect(result.stderr).not.toMatch(/[\u0007\u001b]/);
    const missing = runDlm(scratch, ["check", "gone\u001b[2J.dlm"]);
    expect(missing.stderr).toBe("error: cannot read `gone\\x1b[2J.dlm`: no such file\n");
  });
});

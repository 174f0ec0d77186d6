import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExperimentsIn } from "./checked-experiments.js";

const SAMPLES = readdirSync("samples")
  .filter((name) => name.endsWith(".dlm"))
  .sort()
  .map((name) => readFileSync(`samples/${name}`, "utf8"));

/** Words the mutations splice in: names, values and punctuation an experiment is made of. */
const WORDS = [
  "data", "train", "fine_tune", "tune", "evaluate", "split", "augment", "callbacks", "model", "source", "loss", "epochs",
  "metrics", "optimizer", "classes", "unfreeze", "choice(1, 2)", "range(0, 1)", "log_range(1e-4, 1)", "csv(\"x.csv\", label: y)",
  "builtin(\"iris\")", "images(\"dir\", size: [8, 8])", "tokenize()", "window(size: 2)", "last(0)", "from(x)", "[]", "[1, 2]", "{ a: -1 }",
  "{", "}", "(", ")", ":", ",", "0", "-3", "1.5", "\"\"", "?", "val_accuracy", "pretrained(\"exports/x/model.json\")",
];

/** One edit of a source: delete a span, or insert a word at a position. */
type Edit = { readonly kind: "delete"; readonly at: number; readonly length: number } | { readonly kind: "insert"; readonly at: number; readonly word: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), word: fc.constantFrom(...WORDS) }),
);

function applyEdits(text: string, edits: readonly Edit[]): string {
  let result = text;
  for (const change of edits) {
    const at = change.at % (result.length + 1);
    result = change.kind === "delete" ? result.slice(0, at) + result.slice(at + change.length) : `${result.slice(0, at)} ${change.word} ${result.slice(at)}`;
  }
  return result;
}

describe("the experiment checker on malformed input", () => {
  it("never throws, and plans only experiments without errors", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), fc.array(edit, { minLength: 1, maxLength: 4 }), (sample, edits) => {
        const text = applyEdits(sample, edits);
        const checked = checkExperimentsIn(text, { "x.csv": "y,z\n1,2\n3,4\n" });
        const errors = checked.experiments.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
        for (const plan of checked.experiments.plans) {
          const declaration = checked.result.files
            .get(plan.file)
            ?.ast.declarations.find((candidate) => candidate.kind === "Experiment" && candidate.name.range.start === plan.nameRange.start);
          expect(declaration).toBeDefined();
          const inside = errors.filter(
            (diagnostic) => diagnostic.file === plan.file && diagnostic.range.start >= declaration!.range.start && diagnostic.range.end <= declaration!.range.end,
          );
          expect(inside).toEqual([]);
        }
      }),
      { numRuns: Number(process.env["FUZZ_RUNS"] ?? 150), seed: Number(process.env["FUZZ_SEED"] ?? 20261126) },
    );
  });
});

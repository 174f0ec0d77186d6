/**
 * `dlm predict` on inputs the bundle never saw in training: a categorical value from
 * outside the training vocabulary is predicted as if missing, with a warning naming the
 * column and the value; a value that cannot be encoded at all is an error naming the input
 * file's line and column. Neither prints a stack trace.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { unseenCategoryWarnings } from "../../../src/commands/predict.js";
import type { Preprocessing } from "../../../runtime/prepared-data.js";
import { makeScratch, runDlm, STACK_TRACE } from "./scratch.js";

/** Size decides the label; colour is a categorical feature with three values. */
function shapesCsv(): string {
  const colors = ["red", "green", "blue"];
  const rows = ["size,color,label"];
  for (let index = 0; index < 36; index++) {
    const size = (index * 37) % 100 / 10;
    rows.push(`${size},${colors[index % 3]},${size > 5 ? "big" : "small"}`);
  }
  return rows.join("\n") + "\n";
}

const SHAPES = `
model Mlp {
  dense(8, activation: relu)
  dense(2, activation: softmax)
}

experiment shapes {
  seed: 2
  data {
    source: csv("shapes.csv", label: label)
    split { train: 0.8, test: 0.2 }
    normalize: standardize
  }
  model: Mlp
  train {
    optimizer: adam(learning_rate: 0.01)
    loss: sparse_categorical_crossentropy
    epochs: 2
    batch_size: 8
  }
  export: "exports/shapes"
}
`;

describe("unseenCategoryWarnings", () => {
  const preprocessing: Preprocessing = {
    normalize: { kind: "none" },
    columns: [
      { name: "size", kind: "numeric" },
      { name: "color", kind: "categorical", categories: ["blue", "red"] },
    ],
  };

  it("names each column once with every value it did not know", () => {
    const rows = [
      { size: 1, color: "purple" },
      { size: 2, color: "red" },
      { size: 3, color: "teal" },
      { size: 4, color: "purple" },
    ];
    expect(unseenCategoryWarnings(preprocessing, rows)).toEqual([
      'column "color": "purple", "teal" never appeared in training (known: "blue", "red"); predicted as if the value were missing',
    ]);
  });

  it("says nothing about known and missing values", () => {
    expect(unseenCategoryWarnings(preprocessing, [{ size: 1, color: "blue" }, { size: 2, color: null }, { size: 3, color: "NA" }])).toEqual([]);
  });
});

describe("dlm predict with values the bundle never saw", () => {
  const scratch = makeScratch("predict-unseen");
  writeFileSync(join(scratch, "shapes.csv"), shapesCsv());
  writeFileSync(join(scratch, "shapes.dlm"), SHAPES);

  beforeAll(() => {
    const trained = runDlm(scratch, ["run", "shapes.dlm", "--backend", "wasm", "--out", "runs"]);
    expect(trained.status, trained.stderr).toBe(0);
  });

  it("an unseen category: every row predicted, one warning naming column and value", () => {
    writeFileSync(join(scratch, "unseen.csv"), "size,color\n7.5,purple\n2,red\n");
    const result = runDlm(scratch, ["predict", "exports/shapes", "unseen.csv", "--backend", "wasm", "--json"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).toContain('warning: unseen.csv: column "color": "purple" never appeared in training (known: "blue", "green", "red")');
    const predictions = JSON.parse(result.stdout) as { label: string; probabilities: Record<string, number> }[];
    expect(predictions).toHaveLength(2);
    for (const prediction of predictions) {
      expect(["big", "small"]).toContain(prediction.label);
      expect(prediction.probabilities["big"]! + prediction.probabilities["small"]!).toBeCloseTo(1, 5);
    }
  });

  it("a value that is not a number in a numeric column: error at the input's line and column, exit 2", () => {
    writeFileSync(join(scratch, "typo.csv"), "size,color\n3,red\nlarge,blue\n");
    const result = runDlm(scratch, ["predict", "exports/shapes", "typo.csv", "--backend", "wasm"]);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).toContain('error: typo.csv:3, column "size": "large" is not a number (the column is numeric)');
  });
});

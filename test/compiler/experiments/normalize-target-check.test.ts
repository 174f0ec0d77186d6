import { describe, expect, it } from "vitest";
import { checkExperimentsIn } from "./checked-experiments.js";

const experiment = (data: string, model: string, loss: string) =>
  `experiment e {\n  data {\n    source: builtin("${data}")\n    normalize_target: minmax\n  }\n  model { ${model} }\n  train { loss: ${loss}, epochs: 1 }\n}\n`;

describe("normalize_target", () => {
  it("is accepted on regression data and lowered into the data spec", () => {
    const { reported, experiments } = checkExperimentsIn(experiment("boston_housing", "dense(1)", "mse"));
    expect(reported).toEqual([]);
    expect(experiments.plans[0]!.data.normalizeTarget).toBe("minmax");
  });

  it("DLM536: on classification data, marked at its value", () => {
    const text = experiment("iris", "dense(3, activation: softmax)", "sparse_categorical_crossentropy");
    const { reported, experiments } = checkExperimentsIn(text);
    expect(reported).toEqual([
      expect.objectContaining({
        code: "DLM536",
        marked: "minmax",
        message: "`normalize_target: minmax` scales regression targets, but this data's task is classification",
      }),
    ]);
    const start = experiments.diagnostics[0]!.range.start;
    expect(text.slice(0, start).split("\n").length).toBe(4);
  });

  it("rejects a value outside standardize | minmax | none", () => {
    const text = experiment("boston_housing", "dense(1)", "mse").replace("minmax", "scale");
    expect(checkExperimentsIn(text).reported.map((r) => r.code)).not.toEqual([]);
  });
});

/**
 * Keras habits get the DLM name in the help line, at the line where they are written:
 * `lr` → `learning_rate`, `roc_auc` → `auc`, `acc` → `accuracy`, `val_acc` → `val_accuracy`,
 * and `activation = relu` → "use `:`" (it used to say "separate items with `,`").
 */
import { describe, expect, it } from "vitest";
import { closestName, kerasEquivalent } from "../../../diagnostics/suggest.js";
import { checkExperimentsIn, irisExperiment } from "../experiments/checked-experiments.js";

/** Every diagnostic of `text` with its 1-based line and the text it marks. */
function diagnosticsOf(text: string) {
  const checked = checkExperimentsIn(text);
  return [...checked.result.diagnostics, ...checked.experiments.diagnostics].map((diagnostic) => ({
    code: diagnostic.code,
    line: text.slice(0, diagnostic.range.start).split("\n").length,
    marked: text.slice(diagnostic.range.start, diagnostic.range.end),
    message: diagnostic.message,
    help: diagnostic.help,
  }));
}

const TRAIN = "loss: sparse_categorical_crossentropy\n    epochs: 5";

describe("did-you-mean across Keras names", () => {
  it("`lr` in an optimizer suggests `learning_rate`", () => {
    const text = irisExperiment({ train: `optimizer: adam(lr: 0.01)\n    ${TRAIN}` });
    expect(diagnosticsOf(text)).toEqual([
      {
        code: "DLM202",
        line: 12,
        marked: "lr",
        message: "adam has no parameter `lr`",
        help: "did you mean `learning_rate`?",
      },
    ]);
  });

  it("`roc_auc` in metrics suggests `auc`", () => {
    const text = irisExperiment({ train: `${TRAIN}\n    metrics: [accuracy, roc_auc]` });
    expect(diagnosticsOf(text)).toEqual([
      { code: "DLM204", line: 14, marked: "roc_auc", message: "unknown metric `roc_auc`", help: "did you mean `auc`?" },
    ]);
  });

  it("`acc` suggests `accuracy`, not the one-letter-away `auc`", () => {
    const text = irisExperiment({ train: `${TRAIN}\n    metrics: [acc]` });
    expect(diagnosticsOf(text)).toEqual([
      { code: "DLM204", line: 14, marked: "acc", message: "unknown metric `acc`", help: "did you mean `accuracy`?" },
    ]);
  });

  it("`val_acc` as a monitor suggests `val_accuracy`", () => {
    const text = irisExperiment({
      train: `${TRAIN}\n    metrics: [accuracy]\n    callbacks { early_stopping(monitor: val_acc) }`,
    });
    const found = diagnosticsOf(text);
    expect(found.map(({ code, line, marked, help }) => ({ code, line, marked, help }))).toEqual([
      { code: "DLM502", line: 15, marked: "val_acc", help: "did you mean `val_accuracy`?" },
    ]);
  });

  it("`activation = relu` in a layer's arguments says to use `:`", () => {
    const text = irisExperiment({
      model: "model Mlp {\n  dense(8, activation = relu)\n  dense(3, activation: softmax)\n}\n",
    });
    expect(diagnosticsOf(text)).toEqual([
      {
        code: "DLM101",
        line: 2,
        marked: "=",
        message: "expected `:` after `activation`, found `=`",
        help: "use `:` for a named argument or a setting: `activation: ...` (DLM writes `name: value`, not `name=value`)",
      },
    ]);
  });

  it("`loss = mse` as a setting says to use `:` too", () => {
    const text = irisExperiment({ train: "loss = sparse_categorical_crossentropy\n    epochs: 5" });
    const found = diagnosticsOf(text);
    expect(found[0]).toMatchObject({
      code: "DLM101",
      line: 12,
      marked: "=",
      message: "expected `:` after `loss`, found `=`",
    });
  });

  it("keeps `=` where it is valid: naming a layer and a block parameter's default", () => {
    const text =
      "block Hidden(units: int = 8) {\n  dense(units)\n}\n\nmodel M(input: [4]) {\n  feats = Hidden()\n  dense(2)\n}\n";
    expect(diagnosticsOf(text)).toEqual([]);
  });
});

describe("kerasEquivalent and closestName", () => {
  it("maps a Keras name and its `val_` form, case-insensitively", () => {
    expect(kerasEquivalent("LR")).toBe("learning_rate");
    expect(kerasEquivalent("val_roc_auc")).toBe("val_auc");
    expect(kerasEquivalent("dense")).toBeUndefined();
  });

  it("suggests the equivalent only when it is one of the candidates", () => {
    expect(closestName("lr", ["learning_rate", "momentum"])).toBe("learning_rate");
    expect(closestName("lr", ["momentum"])).toBeUndefined();
    expect(closestName("kernel_size", ["filters", "kernel", "stride"])).toBe("kernel");
  });
});

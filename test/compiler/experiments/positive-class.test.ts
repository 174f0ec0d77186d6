/**
 * `evaluate { positive: "LABEL" }`: checked against the data's classes with its position
 * (DLM540–DLM542), and carried into the plan the emitter writes.
 */
import { describe, expect, it } from "vitest";
import { METRIC_MESSAGES } from "../../../diagnostics/catalog/metrics.js";
import { checkExperimentsIn, irisExperiment } from "./checked-experiments.js";

/** An iris experiment with `data` and `evaluate` members of our choosing, the model ending in `units` classes. */
function iris(data: string, evaluate: string, units = 2): string {
  return irisExperiment({
    model: `model Mlp {\n  dense(8, activation: relu)\n  dense(${units}, activation: softmax)\n}\n`,
    data: `source: builtin("iris")\n    ${data}`,
    extra: `  evaluate { ${evaluate} }\n`,
  });
}

const TWO = 'classes: ["setosa", "versicolor"]';

/** 1-based line and column of a diagnostic's start in `text`. */
function position(text: string, start: number): { line: number; column: number } {
  const before = text.slice(0, start).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe("METRIC_MESSAGES", () => {
  for (const entry of METRIC_MESSAGES) {
    it(`${entry.code}: the wrong snippet triggers it with its severity, the fixed one checks clean`, () => {
      const wrong = checkExperimentsIn(entry.wrong).reported;
      expect(wrong.map((reported) => [reported.code, reported.severity])).toEqual([[entry.code, entry.severity]]);
      expect(checkExperimentsIn(entry.fixed).reported).toEqual([]);
    });
  }
});

describe("positive: against the data's classes", () => {
  it("DLM540: a label that is not a class, at its line and column, with the closest class", () => {
    const text = iris(TWO, 'positive: "Versicolor"');
    const { reported, experiments } = checkExperimentsIn(text);
    expect(reported).toEqual([
      {
        code: "DLM540",
        severity: "error",
        marked: '"Versicolor"',
        message: '`positive` names class "Versicolor", which is not a class of the data',
        help: "did you mean `versicolor`?",
      },
    ]);
    expect(experiments.diagnostics[0]?.notes).toEqual(['classes: "setosa", "versicolor"']);
    const line = text.split("\n").findIndex((row) => row.includes("positive:")) + 1;
    expect(position(text, experiments.diagnostics[0]!.range.start)).toEqual({
      line,
      column: text.split("\n")[line - 1]!.indexOf('"Versicolor"') + 1,
    });
  });

  it("DLM540 without a close name suggests a class to write", () => {
    const { reported } = checkExperimentsIn(iris(TWO, 'positive: "rose"'));
    expect(reported.map((r) => [r.code, r.help])).toEqual([
      ["DLM540", 'write one of the classes: `positive: "versicolor"`'],
    ]);
  });

  it("DLM541: three classes, or a regression task, have no positive class", () => {
    const three = checkExperimentsIn(iris("split { test: 0.2 }", 'positive: "setosa"', 3)).reported;
    expect(three.map((r) => [r.code, r.marked])).toEqual([["DLM541", '"setosa"']]);
    expect(three[0]?.message).toBe(
      '`positive` picks one class of two, but the data has 3 classes ("setosa", "versicolor", "virginica"): their scores are averaged',
    );
    const regression = checkExperimentsIn(
      'experiment b { data { source: builtin("boston_housing") } model { dense(1) } train { loss: mse, epochs: 1 } evaluate { positive: "1" } }',
    ).reported;
    expect(regression.map((r) => [r.code, r.marked, r.help])).toEqual([["DLM541", '"1"', "remove `positive`"]]);
  });

  it("DLM542 (a warning): an average written beside it overrides it, and the plan still builds", () => {
    const { reported, experiments } = checkExperimentsIn(iris(TWO, 'positive: "setosa", average: weighted'));
    expect(reported.map((r) => [r.code, r.severity, r.marked])).toEqual([["DLM542", "warning", '"setosa"']]);
    expect(experiments.plans[0]?.evaluate).toMatchObject({ average: "weighted", positive: "setosa" });
  });

  it("a label written as a number is a value error that says a string is expected", () => {
    const { reported } = checkExperimentsIn(iris(TWO, "positive: 1"));
    expect(reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM301", "1", "`positive` of evaluate expects a string, found 1"],
    ]);
  });

  it("a class of the data goes into the plan as written; without it the plan has none", () => {
    const chosen = checkExperimentsIn(iris(TWO, 'positive: "setosa"'));
    expect(chosen.reported).toEqual([]);
    expect(chosen.experiments.plans[0]?.evaluate).toEqual({ on: "test", metrics: ["accuracy"], positive: "setosa" });
    const absent = checkExperimentsIn(iris(TWO, "on: test"));
    expect(absent.experiments.plans[0]?.evaluate).toEqual({ on: "test", metrics: ["accuracy"] });
  });
});

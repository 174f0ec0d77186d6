/**
 * One registry per catalogue, in two halves: the compiler's definitions (name, parameters,
 * defaults, docs) and the runtime's factories registered under the same names. These tests
 * keep the halves equal, and prove the contract between them: a definition's call, lowered
 * generically, is a spec its runtime factory builds from.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { AUGMENTATIONS as AUGMENTATION_DEFINITIONS, SOURCES } from "../../compiler/registry/data.js";
import { LOSSES, METRICS as METRIC_DEFINITIONS, OPTIMIZERS, SCHEDULES } from "../../compiler/registry/training.js";
import type { Definition } from "../../compiler/registry/definition.js";
import { checkSource } from "../../compiler/program.js";
import { CALLBACKS } from "../../compiler/registry/callbacks/index.js";
import { CALLBACK_FACTORIES, makeCallbacks } from "../../runtime/callbacks/registry.js";
import { AUGMENTATIONS } from "../../runtime/data/augment.js";
import { SOURCE_READERS } from "../../runtime/data/prepare.js";
import { LOSS_FUNCTIONS } from "../../runtime/losses.js";
import { METRICS } from "../../runtime/metrics/index.js";
import { createOptimizer, makeSchedule, OPTIMIZER_FACTORIES, SCHEDULE_FACTORIES } from "../../runtime/optimizers.js";

const namesOf = (definitions: { readonly entries: ReadonlyMap<string, Definition> }): string[] => [...definitions.entries.keys()].sort();

describe("each catalogue's definitions and the runtime's factories hold the same names", () => {
  it.each([
    ["callbacks", CALLBACKS, CALLBACK_FACTORIES],
    ["optimizers", OPTIMIZERS, OPTIMIZER_FACTORIES],
    ["schedules", SCHEDULES, SCHEDULE_FACTORIES],
    ["losses", LOSSES, LOSS_FUNCTIONS],
    ["metrics", METRIC_DEFINITIONS, METRICS],
    ["augmentations", AUGMENTATION_DEFINITIONS, AUGMENTATIONS],
    ["data sources", SOURCES, SOURCE_READERS],
  ] as const)("%s", (_kind, definitions, factories) => {
    expect(Object.keys(factories).sort()).toEqual(namesOf(definitions));
  });

  it("metrics agree on which way is better, in both halves", () => {
    for (const [name, definition] of METRIC_DEFINITIONS.entries) {
      if (definition.evaluationOnly) continue;
      const runtimeMetric = METRICS[name as keyof typeof METRICS] as { readonly higherIsBetter?: boolean };
      expect(runtimeMetric.higherIsBetter, name).toBe(definition.higherIsBetter);
    }
  });
});

/** A value for a required parameter without a default, so the call checks. */
function sampleArgument(definition: Definition): string {
  return definition.params
    .filter((param) => param.default === undefined && !param.list)
    .map((param) => `${param.name}: ${param.type === "string" ? '"outputs/sample"' : param.type === "bool" ? "true" : param.name === "rate" ? "0.5" : "2"}`)
    .join(", ");
}

/** The experiment's plan for `train { ... }` with one line added to it. */
function planWith(trainLines: string): ReturnType<typeof checkSource>["plans"][number] {
  const source = `model Net { dense(3, activation: softmax) }
experiment e {
  data {
    source: builtin("iris")
    split { train: 0.8, validation: 0.2 }
  }
  model: Net
  train {
    loss: sparse_categorical_crossentropy
    epochs: 2
    ${trainLines}
  }
}
`;
  const checked = checkSource(source, "/project/e.dlm");
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const plan = checked.plans[0];
  if (plan === undefined) throw new Error("no plan");
  return plan;
}

describe("a definition's call, lowered from the definition alone, is a spec its factory builds", () => {
  it.each([...CALLBACKS.entries.values()].map((definition) => [definition.name, definition] as const))("callback %s", (name, definition) => {
    const args = sampleArgument(definition);
    const plan = planWith(`callbacks { ${name}${definition.params.length > 0 ? `(${args})` : ""} }`);
    const [spec] = plan.train.callbacks;
    expect(spec?.kind).toBe(name);
    // Every parameter reaches the spec, defaults included, under its camelCase name.
    for (const param of definition.params) {
      const field = param.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      expect(spec, `${name}.${param.name}`).toHaveProperty(field);
    }
    const callbacks = makeCallbacks(plan.train.callbacks, "/project", false);
    expect(callbacks.length).toBe(1);
  });

  it.each([...SCHEDULES.entries.values()].map((definition) => [definition.name, definition] as const))("schedule %s", (name, definition) => {
    const plan = planWith(`schedule: ${name}(${sampleArgument(definition)})`);
    const schedule = makeSchedule(plan.train.schedule!, 0.1);
    expect(schedule(0)).toBeGreaterThan(0);
    expect(Number.isFinite(schedule(5))).toBe(true);
  });

  it.each([...OPTIMIZERS.entries.keys()])("optimizer %s", (name) => {
    const plan = planWith(`optimizer: ${name}()`);
    const optimizer = createOptimizer(plan.train.optimizer);
    expect(optimizer).toBeInstanceOf(tf.Optimizer);
    optimizer.dispose();
  });
});

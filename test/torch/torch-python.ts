/**
 * Shared by the torch tests: the Python that has torch (DLM_PYTHON, else /usr/bin/python3),
 * or the reason the tests skip; and a TF.js model built from a checked model through the
 * registry's own TF.js configs.
 */
import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import type { GraphNode } from "../../compiler/expand-model.js";
import type { TfjsConfigValue } from "../../compiler/layers/types.js";
import type { ModelInfo } from "../../compiler/program.js";

/** The Python the torch tests run. */
export const PYTHON = process.env["DLM_PYTHON"] ?? "/usr/bin/python3";

/** Why the torch tests cannot run here, or undefined when `PYTHON` imports torch. */
export const TORCH_MISSING: string | undefined = (() => {
  const probe = spawnSync(PYTHON, ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (probe.error !== undefined) return `${PYTHON} cannot be started (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch and numpy (${probe.stderr.trim().split("\n").pop() ?? ""})`;
  return undefined;
})();

if (TORCH_MISSING !== undefined) process.stderr.write(`torch tests skipped: ${TORCH_MISSING}\n`);

/** Runs a Python script with `PYTHON`; throws with its stderr when it fails. */
export function runPython(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): string {
  const result = spawnSync(PYTHON, args, {
    encoding: "utf8",
    cwd: options.cwd,
    env: { ...process.env, OMP_NUM_THREADS: "1", ...options.env },
    timeout: options.timeout ?? 120_000,
  });
  if (result.status !== 0) throw new Error(`python failed (${result.status ?? result.signal}):\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** Builds a TF.js model from a checked model's graph with the registry's TF.js configs. */
export function buildTfjsModel(model: ModelInfo): tf.LayersModel {
  const input = tf.input({ shape: [...model.input] as number[] });
  const toConfig = (value: TfjsConfigValue): unknown => {
    if (Array.isArray(value)) return value.map(toConfig);
    if (typeof value === "object" && value !== null) {
      const record = value as Record<string, TfjsConfigValue>;
      if ("regularizer" in record) return tf.regularizers.l1l2(record["regularizer"] as { l1: number; l2: number });
      if ("factory" in record && "config" in record) return makeLayer(record["factory"] as string, record["config"] as Record<string, TfjsConfigValue>, undefined);
      return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, toConfig(item)]));
    }
    return value;
  };
  const makeLayer = (factory: string, config: Record<string, TfjsConfigValue>, name: string | undefined): tf.layers.Layer => {
    const create = (tf.layers as unknown as Record<string, (config: unknown) => tf.layers.Layer>)[factory];
    if (create === undefined) throw new Error(`no tf.layers.${factory}`);
    return create({ ...(toConfig(config) as object), ...(name === undefined ? {} : { name }) });
  };
  let layerIndex = 0;
  const apply = (nodes: readonly GraphNode[], x: tf.SymbolicTensor): tf.SymbolicTensor => {
    for (const node of nodes) {
      if (node.kind === "broken" || (node.kind === "layer" && node.args === undefined)) throw new Error("incomplete graph");
      if (node.kind === "residual") {
        const body = apply(node.body, x);
        layerIndex++;
        x = tf.layers.add({ name: node.name }).apply([x, body]) as tf.SymbolicTensor;
        continue;
      }
      const inferred = model.layers[layerIndex++];
      const config = node.definition.tfjs.config(node.args as never, inferred?.inputShape ?? []);
      x = makeLayer(node.definition.tfjs.factory, config as Record<string, TfjsConfigValue>, node.name).apply(x) as tf.SymbolicTensor;
    }
    return x;
  };
  return tf.model({ inputs: input, outputs: apply(model.graph.nodes, input) });
}

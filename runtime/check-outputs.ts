/**
 * The runtime's check of an experiment's outputs before anything is trained or written —
 * the same rules as `dlm check` (DLM520–DLM522), again, because a generated program may be
 * run directly, and the disk may have changed since it was checked. Also clears the
 * temporary folders a killed bundle writer left beside the experiment's bundle outputs.
 */
import * as path from "node:path";
import type { ExperimentDefinition } from "./experiment.js";
import {
  assertOwnedOutput,
  OutputOwnershipError,
  outputPathProblem,
  removeStaleTemporaries,
  reportChartPaths,
  resolvedOutputPathProblem,
  runFoldersInput,
  type OutputKind,
  type ProtectedInput,
} from "./output-ownership.js";

/** One output of an experiment: where the `.dlm` wrote it to go, and what it is. */
export interface ExperimentOutput {
  readonly kind: OutputKind;
  /** The path as written in the `.dlm` file (relative to its folder, or absolute). */
  readonly written: string;
}

/** Every output path an experiment names: export, `model_checkpoint` and `csv_logger` paths, the report. */
export function experimentOutputs(definition: ExperimentDefinition): ExperimentOutput[] {
  const outputs: ExperimentOutput[] = [];
  for (const stage of [definition.train, definition.fineTune]) {
    for (const callback of stage?.callbacks ?? []) {
      if (callback.kind === "model_checkpoint") outputs.push({ kind: "checkpoint", written: callback.path });
      if (callback.kind === "csv_logger") outputs.push({ kind: "log", written: callback.path });
    }
  }
  if (definition.evaluate.report !== undefined) {
    outputs.push({ kind: "report", written: definition.evaluate.report });
    // a Markdown report's charts are outputs like any other
    for (const chart of reportChartPaths(definition.evaluate.report)) outputs.push({ kind: "report", written: chart });
  }
  if (definition.export !== undefined) outputs.push({ kind: "export", written: definition.export });
  return outputs;
}

/**
 * What no output of the experiment may touch: its `.dlm` file, its data source, and the run
 * folders (`runs/`). The data sources and pretrained models of the file's other experiments
 * are protected by `dlm check` (DLM520), which sees the whole file.
 */
export function experimentInputs(definition: ExperimentDefinition): ProtectedInput[] {
  const inputs: ProtectedInput[] = [
    { path: path.join(definition.baseDir, path.basename(definition.sourceFile)), what: "the .dlm file" },
    runFoldersInput(definition.baseDir),
  ];
  const source = definition.data.source;
  if (source.kind === "csv") {
    inputs.push({ path: path.resolve(definition.baseDir, source.path), what: `data source csv("${source.path}")` });
  } else if (source.kind === "images") {
    inputs.push({
      path: path.resolve(definition.baseDir, source.dir),
      what: `data source images("${source.dir}")`,
      isFolder: true,
    });
  }
  return inputs;
}

/**
 * Refuses (`OutputOwnershipError`) an output that is or contains an input or the `.dlm`'s
 * folder, a relative output that climbs out of that folder, and an output path where
 * something stands that DLM did not write. Then removes stale temporary folders of the
 * bundle writer beside bundle outputs. Call before training.
 */
export async function checkExperimentOutputs(definition: ExperimentDefinition): Promise<void> {
  const inputs = experimentInputs(definition);
  for (const output of experimentOutputs(definition)) {
    const target = path.resolve(definition.baseDir, output.written);
    const problem =
      outputPathProblem(output.written, definition.baseDir, inputs) ??
      resolvedOutputPathProblem(output.written, definition.baseDir, inputs);
    if (problem !== undefined) throw new OutputOwnershipError(`${problem.message} (${problem.code}); ${problem.help}`);
    assertOwnedOutput(target, output.kind);
    if (output.kind === "export" || output.kind === "checkpoint") {
      assertOwnedOutput(`${target}.previous`, output.kind);
      await removeStaleTemporaries(target);
    }
  }
}

/**
 * Builds a checked model with the statements the emitter writes for `buildModel` (transpiled
 * and run in this process with TF.js and the runtime), so a test observes the model a
 * generated program would build.
 */
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import ts from "typescript";
import { emitModelBuilder } from "../../../compiler/emit-model.js";
import { checkSource } from "../../../compiler/program.js";
import type { ModelInfo } from "../../../compiler/models.js";
import * as runtime from "../../../runtime/index.js";

/** The only model of `source`, which must check clean. */
export function checkedModel(source: string): ModelInfo {
  const result = checkSource(source, "input.dlm");
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join("\n"));
  const model = result.models[0];
  if (model === undefined || model.output === null) throw new Error("no model");
  return model;
}

/** The TF.js model the emitted `buildModel` statements build for the model of `source`. */
export async function buildEmittedModel(source: string): Promise<{ readonly info: ModelInfo; readonly model: tf.LayersModel }> {
  const info = checkedModel(source);
  const emitted = emitModelBuilder(
    { ...info, output: info.output ?? [], range: info.nameRange },
    { sourceText: (file) => (file === "input.dlm" ? source : undefined), displayFile: (file) => file },
  );
  const body = `async function buildModel(): Promise<tf.LayersModel> {\n${emitted.statements.join("\n")}\n}`;
  const javascript = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const build = new Function("tf", "loadPretrained", "prepareZooBackbone", "imagePreprocessing", "path", "dlmDir", `${javascript}\nreturn buildModel();`) as (
    ...args: unknown[]
  ) => Promise<tf.LayersModel>;
  const model = await build(tf, runtime.loadPretrained, runtime.prepareZooBackbone, runtime.imagePreprocessing, path, process.cwd());
  return { info, model };
}

/**
 * A generated program loaded in the test process: the `.dlm` source is checked and emitted
 * as `dlm compile` does, the TypeScript is transpiled, and its `experiment` definition is
 * taken out instead of running `main()`. Its imports are the runtime's own sources and
 * TF.js, so what a test observes is what the program would do.
 */
import * as path from "node:path";
import * as url from "node:url";
import * as tf from "@tensorflow/tfjs";
import ts from "typescript";
import { emitExperiment } from "../../../compiler/emitter.js";
import { checkSource } from "../../../compiler/program.js";
import * as runtime from "../../../runtime/index.js";
import type { ExperimentDefinition } from "../../../runtime/experiment.js";

/** The generated program's text for the first experiment of `source`; the source must check clean. */
export function emittedProgram(source: string): string {
  const result = checkSource(source, "input.dlm");
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join("\n"));
  return emitExperiment(result.plans[0]!, { outDir: "out", sourceText: (file) => result.files.get(file)?.text }).text;
}

/** Runs the program's module body (everything but `main()`) and returns its `experiment`. */
export function loadExperiment(source: string): ExperimentDefinition {
  const program = emittedProgram(source)
    .replace("void main();", "module.exports = { experiment };")
    .replace("import.meta.url", JSON.stringify(url.pathToFileURL(path.resolve("out/program.ts")).href));
  const javascript = ts.transpileModule(program, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const modules: Record<string, unknown> = {
    "node:path": path,
    "node:url": url,
    "@tensorflow/tfjs": tf,
    "dlm/runtime": runtime,
  };
  const requireModule = (name: string): unknown => {
    if (!(name in modules)) throw new Error(`the generated program imports ${name}`);
    return modules[name];
  };
  const module = { exports: {} as { experiment?: ExperimentDefinition } };
  new Function("require", "module", "exports", javascript)(requireModule, module, module.exports);
  if (module.exports.experiment === undefined) throw new Error("the program defines no experiment");
  return module.exports.experiment;
}

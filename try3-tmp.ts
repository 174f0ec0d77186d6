import { checkProgram } from "./compiler/program.js";
import { checkExperiments } from "./compiler/check-experiments.js";
import { nodeCompilerHost } from "./compiler/host.js";
const host = nodeCompilerHost();
for (const f of ["samples/boston_housing.dlm", "samples/transfer_digits.dlm"]) {
const r = checkProgram([f], host);
const e = checkExperiments(r, host);
for (const p of e.plans) { const { model, ...rest } = p; console.log(JSON.stringify(rest), model.input, model.output, model.params, model.trainableParams, model.layers.map(l => l.name).join(",")); }
}

import { checkProgram } from "./compiler/program.js";
import { checkExperiments } from "./compiler/check-experiments.js";
import { nodeCompilerHost } from "./compiler/host.js";
import { readdirSync } from "node:fs";
for (const f of readdirSync("samples")) {
  const host = nodeCompilerHost();
  const t0 = performance.now();
  const r = checkProgram([`samples/${f}`], host);
  const e = checkExperiments(r, host);
  const ms = (performance.now() - t0).toFixed(0);
  console.log(f, ms + "ms", e.diagnostics.map(d => `${d.severity} ${d.code} ${d.message}`), e.plans.map(p => `${p.name}: ${JSON.stringify(p.model.input)}->${JSON.stringify(p.model.output)} eval=${JSON.stringify(p.evaluate)}`));
}

import { build } from "esbuild";
const t0 = performance.now();
const result = await build({ entryPoints: ["compiler/check-experiments.ts"], bundle: true, write: false, platform: "node", format: "esm", metafile: true, logLevel: "silent", packages: "external" });
const inputs = Object.keys(result.metafile.inputs);
const externals = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
console.log(inputs.length, [...new Set(externals)], (performance.now() - t0).toFixed(0));

import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("the experiment checker's imports", () => {
  it("never reach TensorFlow.js, so a cold `dlm check` stays fast", async () => {
    const result = await build({
      entryPoints: ["compiler/experiments/check-experiments.ts"],
      bundle: true,
      write: false,
      platform: "node",
      format: "esm",
      metafile: true,
      logLevel: "silent",
      packages: "external",
    });
    const packages = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path));
    expect(packages.filter((name) => name.includes("tensorflow"))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).filter((file) => file.includes("tensorflow"))).toEqual([]);
  });
});

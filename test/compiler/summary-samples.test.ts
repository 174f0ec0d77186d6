import { promises as fs } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { nodeCompilerHost } from "../../compiler/host.js";
import { checkProgram } from "../../compiler/program.js";
import { formatSummaryTable, summarizedModels } from "../../compiler/summary.js";

/** `model NAME` declarations, and inline `model { }` bodies named after their experiment. */
function writtenModels(text: string): string[] {
  const declared = [...text.matchAll(/^model\s+(\w+)/gm)].map((match) => match[1]!);
  const inline = text
    .split(/^experiment\s+/m)
    .slice(1)
    .filter((body) => /^\s+model\s*\{/m.test(body))
    .map((body) => body.match(/^\w+/)![0]);
  return [...declared, ...inline];
}

describe("dlm summary lists every model of every sample", async () => {
  const samples = (await fs.readdir("samples")).filter((name) => name.endsWith(".dlm")).sort();
  it("finds the eight samples", () => expect(samples).toHaveLength(8));
  for (const sample of samples) {
    it(sample, async () => {
      const file = path.join("samples", sample);
      const text = await fs.readFile(file, "utf8");
      const result = checkProgram([file], nodeCompilerHost());
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const models = summarizedModels(result);
      expect(new Set(models.map((model) => model.name))).toEqual(new Set(writtenModels(text)));
      for (const model of models) {
        expect(model.output, model.name).not.toBeNull();
        expect(model.params, model.name).toBeGreaterThan(0);
        const table = formatSummaryTable(model);
        expect(table).toContain(`Total params: ${model.params.toLocaleString("en-US")}`);
        if (model.experiment !== undefined) expect(table.split("\n")[0]).toContain(`(from the data of experiment \`${model.experiment}\`)`);
      }
    });
  }

  it("gives a model without input: the shape of its experiment's data (iris: [4] → [3])", () => {
    const result = checkProgram(["samples/iris.dlm"], nodeCompilerHost());
    const models = summarizedModels(result);
    const withoutInput = models.filter((model) => model.experiment !== undefined);
    expect(withoutInput.length).toBeGreaterThan(0);
    for (const model of withoutInput) expect(model.input).toEqual([4]);
  });
});

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { MESSAGES, explainCode } from "../../diagnostics/catalog/index.js";
import { NAME_MESSAGES } from "../../diagnostics/catalog/names.js";
import { SHAPE_MESSAGES } from "../../diagnostics/catalog/shapes.js";
import { VALUE_MESSAGES } from "../../diagnostics/catalog/values.js";
import { checkSource } from "../../compiler/program.js";

const files: Record<string, string> = { "layers.dlm": "block Hidden() { dense(8) }" };

beforeAll(async () => {
  const base = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], name: "hidden" }), tf.layers.dense({ units: 3 })] });
  await base.save(
    tf.io.withSaveHandler(async (artifacts) => {
      files["base/model.json"] = JSON.stringify({ modelTopology: artifacts.modelTopology, format: "layers-model" });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
});

describe("catalog entries of the names, values and shapes families", () => {
  for (const entry of [...NAME_MESSAGES, ...VALUE_MESSAGES, ...SHAPE_MESSAGES]) {
    it(`${entry.code} (${entry.title}): the wrong snippet reports it, the fixed one does not`, () => {
      const wrong = checkSource(entry.wrong, "main.dlm", files).diagnostics.map((d) => d.code);
      const fixed = checkSource(entry.fixed, "main.dlm", files).diagnostics.map((d) => d.code);
      expect(wrong).toContain(entry.code);
      expect(fixed).not.toContain(entry.code);
      expect(fixed.filter((code) => code.startsWith("DLM1"))).toEqual([]);
      expect(wrong.filter((code) => code.startsWith("DLM1"))).toEqual([]);
    });
  }
});

describe("MESSAGES and explainCode", () => {
  it("merge every family by code", () => {
    expect(MESSAGES.get("DLM101")?.title).toBe("unexpected token");
    expect(MESSAGES.get("DLM404")?.title).toBe("residual shape mismatch");
    expect([...MESSAGES.keys()]).toEqual([...MESSAGES.keys()].sort());
  });

  it("prints the long form: title, explanation and both snippets", () => {
    const text = explainCode("DLM404");
    expect(text.split("\n")[0]).toBe("DLM404: residual shape mismatch (error)");
    expect(text).toContain("adds the body's output to its input");
    expect(text).toContain("    residual { conv2d(32, 3, padding: same) }");
    expect(text).toContain("    residual { conv2d(16, 3, padding: same) }");
    expect(explainCode("404")).toBe(text);
    expect(explainCode("dlm404")).toBe(text);
  });

  it("says when a code does not exist", () => {
    expect(explainCode("DLM999")).toBe("DLM999: no such diagnostic code (codes look like DLM101 … DLM599)");
  });
});

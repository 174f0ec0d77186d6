import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport, writeReport } from "../../../runtime/report/index.js";
import { scopeSvgIds } from "../../../runtime/report/html.js";
import { sampleClassificationReport, sampleRegressionReport } from "./sample-report.js";

const SVG_NAMESPACES = ['xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"'];

/** The text with the SVG namespace declarations removed: what is left must not reach the network. */
function withoutSvgNamespaces(text: string): string {
  return SVG_NAMESPACES.reduce((rest, namespace) => rest.replaceAll(namespace, ""), text);
}

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "dlm-report-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("HTML report", () => {
  let html: string;
  beforeAll(async () => {
    await writeReport(join(folder, "runs", "mnist", "report.html"), sampleClassificationReport());
    html = await readFile(join(folder, "runs", "mnist", "report.html"), "utf8");
  });

  it("writes one page and nothing else, creating the folder", async () => {
    // the page, and the ledger that proves DLM wrote it (docs/safety.md)
    expect((await readdir(join(folder, "runs", "mnist"))).sort()).toEqual([".dlm-outputs.json", "report.html"]);
    expect(html.startsWith("<!doctype html>")).toBe(true);
  });

  it("inlines an SVG for the learning curves, the confusion matrix and the ROC curves", () => {
    expect(html.match(/<svg\b/g)).toHaveLength(3);
    for (const title of ["Learning curves", "Confusion matrix", "ROC curves"]) {
      expect(html).toMatch(new RegExp(`<figcaption>${title}</figcaption><svg`));
    }
  });

  it("escapes class names and the experiment name", () => {
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("mnist_mlp &lt;b&gt;baseline&lt;/b&gt;");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("<b>");
  });

  it("references nothing on the network and loads no external resource", () => {
    expect(withoutSvgNamespaces(html)).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link\b|<img\b|\bsrc=|@import|url\((?!#)/);
  });

  it("keeps every id unique across the inline charts", () => {
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, target] of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(target);
  });

  it("shows the metric, per-class, tuning and configuration tables", () => {
    expect(html).toContain("<td>f1 (macro)</td>");
    expect(html).toMatch(/<td>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td><td class="number">0\.\d{4}<\/td>/);
    // trial 2 has the highest val_accuracy
    expect(html).toMatch(/<tr class="best"><td class="number">2<\/td>/);
    expect(html).toContain("<td>train.optimizer.learning_rate</td><td>0.001</td>");
    expect(html).toContain("<td>model.layers[1].units</td><td>128</td>");
  });
});

describe("Markdown report", () => {
  it("writes the SVG files beside the Markdown and links them by relative path", async () => {
    const mdFolder = join(folder, "md");
    await writeReport(join(mdFolder, "report.md"), sampleClassificationReport());
    expect((await readdir(mdFolder)).sort()).toEqual([
      ".dlm-outputs.json",
      "report-confusion-matrix.svg",
      "report-learning-curves.svg",
      "report-roc.svg",
      "report.md",
    ]);
    const markdown = await readFile(join(mdFolder, "report.md"), "utf8");
    expect(markdown).toContain("![Learning curves](report-learning-curves.svg)");
    expect(markdown).toContain("![Confusion matrix](report-confusion-matrix.svg)");
    expect(markdown).toContain("![ROC curves](report-roc.svg)");
    expect(markdown).toContain("| &lt;script&gt;alert(1)&lt;/script&gt; | 0.");
    expect(markdown).toContain("# mnist\\_mlp &lt;b&gt;baseline&lt;/b&gt;");
    expect(markdown).toContain("| **2** | **0.001** | **128** | **12** | **0.9680** |");
    const svg = await readFile(join(mdFolder, "report-confusion-matrix.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("&lt;script&gt;");
  });
});

describe("regression report", () => {
  it("has learning curves and metrics but no classification charts", async () => {
    const files = await renderReport(sampleRegressionReport(), "boston.md");
    expect([...files.keys()]).toEqual(["boston-learning-curves.svg", "boston.md"]);
    const markdown = files.get("boston.md")!;
    expect(markdown).toContain("| r2 | 0.9");
    expect(markdown).not.toContain("Per class");
  });

  it("rejects a path that is neither .html nor .md", async () => {
    await expect(renderReport(sampleRegressionReport(), "report.pdf")).rejects.toThrow(/\.html or \.md/);
  });
});

describe("scopeSvgIds", () => {
  it("gives two charts' identical gradient ids distinct names, references included", () => {
    const svg = '<svg><linearGradient id="gradient_0"/><rect fill="url(#gradient_0)"/><use href="#gradient_0"/></svg>';
    expect(scopeSvgIds(svg, "roc")).toBe(
      '<svg><linearGradient id="roc-gradient_0"/><rect fill="url(#roc-gradient_0)"/><use href="#roc-gradient_0"/></svg>',
    );
  });
});

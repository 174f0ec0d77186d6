/**
 * Ownership of outputs through `dlm run` as a user runs it (issue #14): `export: "."` is
 * refused with the path and deletes nothing, a second run keeps the earlier export as
 * `.previous`, concurrent runs of one experiment get distinct run directories, and a stale
 * temporary folder of the bundle writer is cleaned when a run starts. On c351e87 the first
 * run removed the whole project folder, the second replaced the export silently and two
 * concurrent runs shared one directory.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeScratch, runDlm, startDlm, STACK_TRACE } from "./runs/scratch.js";

/** A one-epoch iris experiment; `extra` goes inside the experiment. */
function iris(name: string, extra: string): string {
  return `experiment ${name} {
  seed: 3
  data {
    source: csv("iris.csv", label: species)
    split { train: 0.7, test: 0.3 }
    normalize: standardize
  }
  model { dense(8, activation: relu) dense(3, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 1, batch_size: 16 }
${extra}}
`;
}

/** 60 rows of a small three-class table shaped like iris. */
function irisCsv(): string {
  const rows = ["a,b,c,d,species"];
  for (let index = 0; index < 60; index++) {
    const species = ["setosa", "versicolor", "virginica"][index % 3]!;
    const base = (index % 3) * 2;
    rows.push([base + (index % 5) / 10, base + 1, base + (index % 7) / 10, base + 0.5, species].join(","));
  }
  return rows.join("\n") + "\n";
}

const RUN = ["--backend", "cpu"];

describe("dlm run and the outputs it owns", () => {
  const scratch = makeScratch("outputs-run");

  it('export: "." is refused with the path; the .dlm, its CSV and notes.txt survive', () => {
    const dir = join(scratch, "dot");
    mkdirSync(dir);
    writeFileSync(join(dir, "iris.csv"), irisCsv());
    writeFileSync(join(dir, "self.dlm"), iris("dot", '  export: "."\n'));
    writeFileSync(join(dir, "notes.txt"), "my notes\n");
    const result = runDlm(dir, ["run", "self.dlm", ...RUN]);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).toContain("DLM520");
    expect(result.stderr).toContain(`output path "." is the .dlm file's own folder`);
    expect(readdirSync(dir).sort()).toEqual(["iris.csv", "notes.txt", "self.dlm"]);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("my notes\n");
  });

  it("a second run keeps the first export as .previous (both load), and a stale temporary folder is cleaned", () => {
    const dir = join(scratch, "twice");
    mkdirSync(join(dir, "exports"), { recursive: true });
    writeFileSync(join(dir, "iris.csv"), irisCsv());
    writeFileSync(join(dir, "iris.dlm"), iris("iris", '  export: "exports/iris"\n'));
    const first = runDlm(dir, ["run", "iris.dlm", ...RUN]);
    expect(first.status, first.stderr).toBe(0);
    const firstCard = readFileSync(join(dir, "exports", "iris", "card.json"), "utf8");
    // what a run killed while exporting leaves behind
    const stale = join(dir, "exports", "iris.tmp-Qw12Er");
    mkdirSync(stale);
    writeFileSync(join(stale, "weights.bin"), "half written");
    // the signature the bundle writer puts in a temporary folder first (a user's *.tmp-* folder has none)
    writeFileSync(join(stale, ".dlm-bundle.json"), JSON.stringify({ writtenBy: "dlm", folder: "iris" }));
    const second = runDlm(dir, ["run", "iris.dlm", ...RUN]);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain(`(the one it replaced is kept in ${join(dir, "exports", "iris")}.previous)`);
    expect(readdirSync(join(dir, "exports")).sort()).toEqual(["iris", "iris.previous"]);
    expect(readFileSync(join(dir, "exports", "iris.previous", "card.json"), "utf8")).toBe(firstCard);
    writeFileSync(join(dir, "flower.csv"), "a,b,c,d\n0.1,1,0.2,0.5\n");
    for (const bundle of ["exports/iris", "exports/iris.previous"]) {
      const predicted = runDlm(dir, ["predict", bundle, "flower.csv", "--backend", "cpu"]);
      expect(predicted.status, predicted.stderr).toBe(0);
      expect(predicted.stdout).toMatch(/setosa|versicolor|virginica/);
    }
    expect(existsSync(stale)).toBe(false);
  });

  it("two concurrent runs of one experiment write two run directories", async () => {
    const dir = join(scratch, "concurrent");
    mkdirSync(dir);
    writeFileSync(join(dir, "iris.csv"), irisCsv());
    writeFileSync(join(dir, "iris.dlm"), iris("iris", ""));
    const runs = [startDlm(dir, ["run", "iris.dlm", ...RUN]), startDlm(dir, ["run", "iris.dlm", ...RUN])];
    const results = await Promise.all(runs.map((run) => run.finished));
    for (const result of results) expect(result.status, result.stderr).toBe(0);
    const runDirs = readdirSync(join(dir, "runs")).sort();
    expect(runDirs).toHaveLength(2);
    for (const runDir of runDirs) expect(existsSync(join(dir, "runs", runDir, "metrics.json"))).toBe(true);
  });
});

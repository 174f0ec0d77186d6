/**
 * Output paths at `dlm check` time (DLM520–DLM523, issue #14): each attack is reported on
 * the path literal, with the path and what it would overwrite, before anything runs. On
 * c351e87 every one of these checked clean and `dlm run` then deleted or overwrote files.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OUTPUT_MESSAGES } from "../../diagnostics/catalog/outputs.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { checkProgram } from "../../compiler/program.js";
import { checkExperimentsIn, irisExperiment, type Reported } from "../compiler/experiments/checked-experiments.js";

/** The output diagnostics of `text` checked in memory as `input.dlm`. */
function outputsOf(text: string, files: Readonly<Record<string, string>> = {}): Reported[] {
  return checkExperimentsIn(text, files).reported.filter((reported) => /^DLM52[0-4]$/.test(reported.code));
}

const withExtra = (extra: string, train?: string) => irisExperiment({ extra, ...(train === undefined ? {} : { train }) });
const withCallback = (callback: string) =>
  irisExperiment({ train: `loss: sparse_categorical_crossentropy\n    epochs: 5\n    callbacks { ${callback} }` });

describe("catalog entries DLM520, DLM521, DLM523", () => {
  for (const entry of OUTPUT_MESSAGES.filter((candidate) => candidate.code !== "DLM522")) {
    it(`${entry.code}: the wrong snippet reports it, the fixed one checks clean`, () => {
      expect(outputsOf(entry.wrong).map((reported) => reported.code)).toEqual([entry.code]);
      expect(checkExperimentsIn(entry.fixed).reported).toEqual([]);
    });
  }
});

describe("outputs over the experiment's inputs (DLM520)", () => {
  it('export: "." is the .dlm file\'s folder, marked on the literal', () => {
    const [reported] = outputsOf(withExtra('  export: "."\n'));
    expect(reported).toMatchObject({ code: "DLM520", marked: '"."' });
    expect(reported!.message).toContain(`export: output path "." is the .dlm file's own folder`);
  });

  it("a folder above the .dlm file, the .dlm file itself and an imported file are refused", () => {
    const files = { "lib.dlm": "block Hidden() { dense(8) }\n" };
    const text = `import "lib.dlm"\n${withCallback('csv_logger("lib.dlm")')}`;
    expect(outputsOf(text, files)).toMatchObject([{ code: "DLM520", marked: '"lib.dlm"' }]);
    expect(outputsOf(text, files)[0]!.message).toContain("is the imported file lib.dlm");
    expect(outputsOf(withCallback('csv_logger("input.dlm")'))[0]!.message).toContain("is the .dlm file");
    expect(outputsOf(withExtra('  export: "exports/../.."\n'))[0]).toMatchObject({ code: "DLM520" });
  });

  it("an export or checkpoint naming the data folder or the data file is refused", () => {
    const files = { "data/iris.csv": "a,b,label\n1,2,x\n3,4,y\n" };
    const data = 'source: csv("data/iris.csv", label: label)';
    const exported = irisExperiment({ data, extra: '  export: "data"\n' });
    expect(outputsOf(exported, files)).toMatchObject([{ code: "DLM520", marked: '"data"' }]);
    expect(outputsOf(exported, files)[0]!.message).toContain('contains data source csv("data/iris.csv")');
    const checkpoint = irisExperiment({
      data,
      train: 'loss: sparse_categorical_crossentropy\n    epochs: 5\n    callbacks { model_checkpoint("data/iris.csv") }',
    });
    expect(outputsOf(checkpoint, files)).toMatchObject([{ code: "DLM520", marked: '"data/iris.csv"' }]);
  });

  it("an output inside an image folder would add a class: refused", () => {
    const text = irisExperiment({ data: 'source: images("photos", size: [8, 8])', extra: '  export: "photos/model"\n' });
    expect(outputsOf(text).map((reported) => reported.message)).toEqual([expect.stringContaining('lies inside data source images("photos")')]);
  });
});

describe("outputs outside the project (DLM521)", () => {
  it("a relative log or report climbing out with .. is refused; an absolute path is the user's choice", () => {
    expect(outputsOf(withCallback('csv_logger("../../x.csv")'))).toMatchObject([{ code: "DLM521", marked: '"../../x.csv"' }]);
    expect(outputsOf(withExtra('  evaluate { report: "../report.html" }\n'))).toMatchObject([{ code: "DLM521" }]);
    expect(outputsOf(withCallback('csv_logger("/tmp/dlm-logs/x.csv")'))).toEqual([]);
  });
});

describe("two outputs of one experiment (DLM523)", () => {
  it("a log inside the export folder, or a checkpoint at the export path, overlaps", () => {
    const text = irisExperiment({
      train: 'loss: sparse_categorical_crossentropy\n    epochs: 5\n    callbacks { model_checkpoint("exports/iris") }',
      extra: '  export: "exports/iris"\n',
    });
    expect(outputsOf(text)).toMatchObject([{ code: "DLM523", marked: '"exports/iris"' }]);
  });
});

describe("what already stands at an output path (DLM522, read from the disk)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dlm-outputs-check-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const foreign = join(dir, "..", `${dir.split("/").pop()}-photos`);
  mkdirSync(foreign, { recursive: true });
  afterAll(() => rmSync(foreign, { recursive: true, force: true }));
  writeFileSync(join(foreign, "holiday.jpg"), "jpeg");
  mkdirSync(join(dir, "exports", "mine"), { recursive: true });
  writeFileSync(join(dir, "exports", "mine", "notes.txt"), "mine");
  writeFileSync(join(dir, "exports", "file"), "a plain file");
  mkdirSync(join(dir, "exports", "dlm"), { recursive: true });
  writeFileSync(join(dir, "exports", "dlm", "card.json"), JSON.stringify({ experiment: "iris", dlmVersion: "0.1.0" }));
  writeFileSync(join(dir, "exports", "dlm", "model.json"), "{}");
  // DLM's proof: the bundle's marker, and the log's SHA-256 in the folder's ledger
  writeFileSync(join(dir, "exports", "dlm", ".dlm-bundle.json"), JSON.stringify({ writtenBy: "dlm", folder: "dlm" }));
  writeFileSync(join(dir, "history.csv"), "epoch,loss\n0,1.5\n");
  const logHash = createHash("sha256").update("epoch,loss\n0,1.5\n").digest("hex");
  writeFileSync(join(dir, ".dlm-outputs.json"), JSON.stringify({ writtenBy: "dlm", files: { "history.csv": logHash } }));
  writeFileSync(join(dir, "todo.csv"), "task,done\nwrite thesis,no\n");

  const check = (extra: string, train?: string) => {
    const file = join(dir, "main.dlm");
    writeFileSync(file, withExtra(extra, train));
    return checkProgram([file], nodeCompilerHost()).diagnostics.filter((diagnostic) => diagnostic.code.startsWith("DLM52"));
  };
  const logTo = (path: string) => `loss: sparse_categorical_crossentropy\n    epochs: 5\n    callbacks { csv_logger("${path}") }`;

  it("a folder with files of yours, a plain file and an absolute foreign folder are DLM522", () => {
    expect(check('  export: "exports/mine"\n')[0]?.message).toMatch(/exports\/mine already exists and is not a bundle DLM exported: it holds files DLM did not write \("notes.txt"\)/);
    expect(check('  export: "exports/file"\n')[0]?.message).toContain("it is a file, and DLM writes a folder there");
    expect(check(`  export: "${foreign}"\n`)).toMatchObject([{ code: "DLM522" }]);
    expect(check("", logTo("todo.csv"))[0]?.message).toContain("is not a log csv_logger wrote");
  });

  it("a bundle DLM exported and a log csv_logger wrote may be replaced", () => {
    expect(check('  export: "exports/dlm"\n')).toEqual([]);
    expect(check("", logTo("history.csv"))).toEqual([]);
  });
});

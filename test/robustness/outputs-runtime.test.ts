/**
 * Ownership of outputs in the runtime (issue #14): the bundle writer replaces only folders
 * DLM wrote, an export keeps the one it replaced as `.previous`, outputs may not overwrite
 * the experiment's inputs, `--force` clears only run directories, concurrent runs claim
 * distinct run directories, and stale temporary folders of a killed writer are cleaned.
 * Each case failed on c351e87, where the writer renamed and deleted whatever stood there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkExperimentOutputs } from "../../runtime/check-outputs.js";
import type { ExperimentDefinition } from "../../runtime/experiment.js";
import { exportBundle, loadBundle } from "../../runtime/export.js";
import { replaceDirectoryAtomically } from "../../runtime/model-io.js";
import { OutputOwnershipError, removeStaleTemporaries } from "../../runtime/output-ownership.js";
import { writeReport } from "../../runtime/report/write-report.js";
import { chooseRunDirectory } from "../../runtime/run-directory.js";

const root = mkdtempSync(join(tmpdir(), "dlm-outputs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh project folder: `self.dlm`, `iris.csv`, `notes.txt`, `data/more.csv`. */
function project(): string {
  const dir = join(root, `project-${++counter}`);
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(join(dir, "self.dlm"), "experiment e { }\n");
  writeFileSync(join(dir, "iris.csv"), "a,b,label\n1,2,x\n");
  writeFileSync(join(dir, "notes.txt"), "my notes\n");
  writeFileSync(join(dir, "data", "more.csv"), "a,label\n1,x\n");
  return dir;
}

/** Every file under `dir` with its contents, to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const relative = `${prefix}${entry.name}`;
      if (entry.isDirectory()) visit(join(folder, entry.name), `${relative}/`);
      else files[relative] = readFileSync(join(folder, entry.name), "utf8");
    }
  };
  visit(dir, "");
  return files;
}

/** A definition of `self.dlm` in `dir` reading `iris.csv`, with the given outputs. */
function definition(dir: string, outputs: { export?: string; log?: string; checkpoint?: string; report?: string }): ExperimentDefinition {
  return {
    name: "e",
    sourceFile: "self.dlm",
    baseDir: dir,
    seed: 0,
    backend: "cpu",
    data: { source: { kind: "csv", path: "iris.csv", label: "label" } } as unknown as ExperimentDefinition["data"],
    buildModel: () => Promise.reject(new Error("not built in this test")),
    train: {
      optimizer: { kind: "adam" } as unknown as ExperimentDefinition["train"]["optimizer"],
      loss: "mse",
      metrics: [],
      epochs: 1,
      batchSize: 8,
      callbacks: [
        ...(outputs.log === undefined ? [] : [{ kind: "csv_logger" as const, path: outputs.log }]),
        ...(outputs.checkpoint === undefined
          ? []
          : [{ kind: "model_checkpoint" as const, path: outputs.checkpoint, monitor: "loss", saveBestOnly: false, mode: "auto" as const }]),
      ],
    },
    evaluate: { on: "test", metrics: [], ...(outputs.report === undefined ? {} : { report: outputs.report }) },
    ...(outputs.export === undefined ? {} : { export: outputs.export }),
  };
}

let model: tf.LayersModel;
beforeAll(async () => {
  await tf.setBackend("cpu");
  model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: "softmax" })] });
});
afterAll(() => model.dispose());

const preprocessing = { normalize: { kind: "none" } } as never;
const info = { task: "classification", modality: "tabular", featureShape: [2], classes: ["a", "b", "c"] } as never;

describe("outputs that would overwrite the experiment's inputs are refused before anything is written", () => {
  it('export: "." names the folder and leaves the .dlm, its CSV and notes.txt as they were', async () => {
    const dir = project();
    const before = snapshot(dir);
    const check = checkExperimentOutputs(definition(dir, { export: "." }));
    await expect(check).rejects.toThrow(OutputOwnershipError);
    await expect(check).rejects.toThrow(`output path "." is the .dlm file's own folder (${dir})`);
    expect(snapshot(dir)).toEqual(before);
  });

  it('csv_logger("self.dlm") and a report over the data file are refused', async () => {
    const dir = project();
    await expect(checkExperimentOutputs(definition(dir, { log: "self.dlm" }))).rejects.toThrow(
      `output path "self.dlm" is the .dlm file (${join(dir, "self.dlm")})`,
    );
    await expect(checkExperimentOutputs(definition(dir, { report: "iris.csv" }))).rejects.toThrow('is data source csv("iris.csv")');
    expect(readFileSync(join(dir, "self.dlm"), "utf8")).toBe("experiment e { }\n");
  });

  it("a relative log or report that climbs out with .. is refused; an absolute path outside is allowed", async () => {
    const dir = project();
    await expect(checkExperimentOutputs(definition(dir, { log: "../../x.csv" }))).rejects.toThrow(
      'output path "../../x.csv" climbs out of the .dlm file\'s folder',
    );
    await expect(checkExperimentOutputs(definition(dir, { report: "../report.html" }))).rejects.toThrow("climbs out");
    await expect(checkExperimentOutputs(definition(dir, { log: join(root, "elsewhere", "log.csv") }))).resolves.toBeUndefined();
  });

  it("a symbolic link cannot smuggle the project folder in as an output", async () => {
    const dir = project();
    const link = join(root, `link-${counter}`);
    spawnSync("ln", ["-s", dir, link]);
    await expect(checkExperimentOutputs(definition(dir, { export: link }))).rejects.toThrow("the .dlm file's own folder");
  });
});

describe("the bundle writer replaces only folders DLM wrote", () => {
  it("an export or checkpoint naming a data folder, a plain file or a foreign absolute folder is refused, untouched", async () => {
    const dir = project();
    const foreign = join(root, `photos-${counter}`);
    mkdirSync(foreign);
    writeFileSync(join(foreign, "holiday.jpg"), "jpeg bytes");
    const before = snapshot(dir);
    for (const target of [join(dir, "data"), join(dir, "notes.txt"), foreign]) {
      await expect(exportBundle(target, model, preprocessing, info, { experiment: "e" })).rejects.toThrow(
        `export path ${target} already exists and DLM did not write it`,
      );
      await expect(replaceDirectoryAtomically(target, async () => undefined)).rejects.toThrow(OutputOwnershipError);
      await expect(checkExperimentOutputs(definition(dir, { checkpoint: target }))).rejects.toThrow(target);
    }
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(foreign)).toEqual(["holiday.jpg"]);
    // no temporary folder was left beside any of them
    expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });

  it("a folder that merely looks like a bundle (no DLM signature, or a file of yours inside) is refused", async () => {
    const dir = project();
    const lookalike = join(dir, "exports", "x");
    mkdirSync(lookalike, { recursive: true });
    writeFileSync(join(lookalike, "card.json"), JSON.stringify({ experiment: "not dlm" }));
    await expect(exportBundle(lookalike, model, preprocessing, info, { experiment: "e" })).rejects.toThrow("carries no DLM signature");
    rmSync(lookalike, { recursive: true });
    await exportBundle(lookalike, model, preprocessing, info, { experiment: "e" });
    writeFileSync(join(lookalike, "README.md"), "what this model is");
    await expect(exportBundle(lookalike, model, preprocessing, info, { experiment: "e" })).rejects.toThrow('"README.md"');
    expect(readFileSync(join(lookalike, "README.md"), "utf8")).toBe("what this model is");
  });

  it("a second export keeps the first as <export>.previous, and both load", async () => {
    const dir = project();
    const target = join(dir, "exports", "iris");
    await exportBundle(target, model, preprocessing, info, { experiment: "e", metrics: { accuracy: 1 } });
    await exportBundle(target, model, preprocessing, info, { experiment: "e", metrics: { accuracy: 0.917 } });
    expect((await loadBundle(target)).card.metrics).toEqual({ accuracy: 0.917 });
    expect((await loadBundle(`${target}.previous`)).card.metrics).toEqual({ accuracy: 1 });
    await exportBundle(target, model, preprocessing, info, { experiment: "e", metrics: { accuracy: 0.5 } });
    expect((await loadBundle(`${target}.previous`)).card.metrics).toEqual({ accuracy: 0.917 });
    expect(readdirSync(join(dir, "exports")).sort()).toEqual(["iris", "iris.previous"]);
  });

  it("a foreign folder at <export>.previous is refused, not deleted", async () => {
    const dir = project();
    const target = join(dir, "exports", "iris");
    await exportBundle(target, model, preprocessing, info, { experiment: "e" });
    mkdirSync(`${target}.previous`);
    writeFileSync(join(`${target}.previous`, "keep.txt"), "mine");
    await expect(exportBundle(target, model, preprocessing, info, { experiment: "e" })).rejects.toThrow(`${target}.previous`);
    expect(readFileSync(join(`${target}.previous`, "keep.txt"), "utf8")).toBe("mine");
  });

  it("the report writer never replaces a file DLM did not write", async () => {
    const dir = project();
    await expect(writeReport(join(dir, "notes.txt"), {} as never)).rejects.toThrow(OutputOwnershipError);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("my notes\n");
  });
});

describe("run directories", () => {
  it("concurrent runs of one experiment claim distinct directories", async () => {
    const out = join(project(), "runs");
    const now = new Date(2026, 11, 6, 21, 0, 0);
    const chosen = await Promise.all(Array.from({ length: 8 }, () => chooseRunDirectory(out, "iris", false, now)));
    expect(new Set(chosen).size).toBe(8);
    expect(readdirSync(out).length).toBe(8);
  });

  it("--force replaces a run directory, and refuses a folder holding anything else", async () => {
    const dir = project();
    const out = join(dir, "runs");
    const first = await chooseRunDirectory(out, "iris", false);
    writeFileSync(join(first, "metrics.json"), "{}");
    expect(await chooseRunDirectory(out, "iris", true)).toBe(first);
    expect(readdirSync(first)).toEqual([]);
    // `--out . --force` for an experiment named like a folder of the project
    await expect(chooseRunDirectory(dir, "data", true)).rejects.toThrow('holds files a run does not write ("more.csv")');
    expect(readFileSync(join(dir, "data", "more.csv"), "utf8")).toBe("a,label\n1,x\n");
  });
});

describe("stale temporary folders of the bundle writer", () => {
  it("are removed when their process is gone; a live writer's, a foreign-named or foreign-content one stay", async () => {
    const dir = project();
    const target = join(dir, "exports", "iris");
    mkdirSync(join(dir, "exports"));
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const stale = `${target}.tmp-${dead}-aB3xY9`;
    const legacy = `${target}.tmp-Qw12Er`;
    const live = `${target}.tmp-${process.pid}-LiVe01`;
    const foreignContent = `${target}.tmp-${dead}-ZZzz99`;
    const foreignName = `${target}.tmp-notes`;
    for (const folder of [stale, legacy, live, foreignContent, foreignName]) {
      mkdirSync(folder);
      writeFileSync(join(folder, "model.json"), "{}");
      writeFileSync(join(folder, ".dlm-bundle.json"), JSON.stringify({ writtenBy: "dlm", folder: "iris" }));
    }
    writeFileSync(join(foreignContent, "thesis.pdf"), "years of work");
    expect((await removeStaleTemporaries(target)).sort()).toEqual([legacy, stale].sort());
    expect(existsSync(stale) || existsSync(legacy)).toBe(false);
    for (const kept of [live, foreignContent, foreignName]) expect(existsSync(kept)).toBe(true);
  });

  it("are cleaned when a run starts", async () => {
    const dir = project();
    mkdirSync(join(dir, "exports"));
    const stale = join(dir, "exports", "iris.tmp-Qw12Er");
    mkdirSync(stale);
    writeFileSync(join(stale, ".dlm-bundle.json"), JSON.stringify({ writtenBy: "dlm", folder: "iris" }));
    writeFileSync(join(stale, "weights.bin"), "half");
    await checkExperimentOutputs(definition(dir, { export: "exports/iris" }));
    expect(existsSync(stale)).toBe(false);
  });
});

/**
 * DLM replaces only what it can prove it wrote (issue #14, second review): each case below
 * was a reviewer's attack that deleted or overwrote a user's files on the first version of
 * output ownership, where a plain TF.js model folder, a CSV starting with `epoch` or a page
 * mentioning "DLM run report" counted as DLM's, symbolic links led relative outputs out of
 * the project, and unsigned `*.tmp-*` folders were removed.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeCompilerHost } from "../../compiler/host.js";
import { checkProgram } from "../../compiler/program.js";
import { checkExperimentOutputs, experimentOutputs } from "../../runtime/check-outputs.js";
import type { ExperimentDefinition } from "../../runtime/experiment.js";
import { replaceDirectoryAtomically } from "../../runtime/model-io.js";
import {
  dlmOwnership,
  lockPath,
  OUTPUT_LEDGER,
  recordWrittenFile,
  removeStaleTemporaries,
} from "../../runtime/output-ownership.js";
import { writeReport } from "../../runtime/report/write-report.js";
import { checkExperimentsIn, irisExperiment } from "../compiler/experiments/checked-experiments.js";

const root = mkdtempSync(join(tmpdir(), "dlm-outputs-proof-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh project folder with `main.dlm`'s data `iris.csv`. */
function project(): string {
  const dir = join(root, `project-${++counter}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "iris.csv"), "a,b,label\n1,2,x\n3,4,y\n");
  return dir;
}

/** What tfjs-node's `model.save("file://…")` writes: a plain TF.js model folder of the user's. */
function plainModelFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.json"), '{"modelTopology": {}}');
  writeFileSync(join(dir, "weights.bin"), "my trained weights");
}

/** DLM52x diagnostics of `text` written as `main.dlm` in `dir` and checked on disk. */
function checkOnDisk(dir: string, text: string): { code: string; message: string }[] {
  const file = join(dir, "main.dlm");
  writeFileSync(file, text);
  return checkProgram([file], nodeCompilerHost())
    .diagnostics.filter((diagnostic) => /^DLM52[0-3]$/.test(diagnostic.code))
    .map(({ code, message }) => ({ code, message }));
}

const csvIris = (extra: string, train?: string) =>
  irisExperiment({
    data: 'source: csv("iris.csv", label: label)\n    split { validation: 0.2, test: 0.2 }',
    extra,
    ...(train === undefined ? {} : { train }),
  });
const withCallback = (callback: string) =>
  `loss: sparse_categorical_crossentropy\n    epochs: 5\n    callbacks { ${callback} }`;

/** A definition reading `iris.csv` in `dir`, with the given outputs. */
function definition(dir: string, outputs: { export?: string; report?: string }): ExperimentDefinition {
  return {
    name: "e",
    sourceFile: "main.dlm",
    baseDir: dir,
    seed: 0,
    backend: "cpu",
    data: { source: { kind: "csv", path: "iris.csv", label: "label" } } as unknown as ExperimentDefinition["data"],
    buildModel: () => Promise.reject(new Error("not built in this test")),
    train: { callbacks: [] } as unknown as ExperimentDefinition["train"],
    evaluate: { on: "test", metrics: [], ...(outputs.report === undefined ? {} : { report: outputs.report }) },
    ...(outputs.export === undefined ? {} : { export: outputs.export }),
  } as ExperimentDefinition;
}

describe("A: proof, not resemblance", () => {
  it("a plain TF.js model folder (model.json + weights.bin) is not DLM's: never replaced, DLM522 at check", async () => {
    const dir = project();
    plainModelFolder(join(dir, "models", "mine"));
    expect(dlmOwnership(join(dir, "models", "mine"), "checkpoint")).toMatchObject({ owned: false });
    await expect(
      replaceDirectoryAtomically(join(dir, "models", "mine"), async (temporary) => {
        writeFileSync(join(temporary, "model.json"), "{}");
      }),
    ).rejects.toThrow(/carries no DLM signature/);
    expect(readFileSync(join(dir, "models", "mine", "weights.bin"), "utf8")).toBe("my trained weights");
    expect(readdirSync(join(dir, "models"))).toEqual(["mine"]);
    const reported = checkOnDisk(dir, csvIris("", withCallback('model_checkpoint("models/mine")')));
    expect(reported).toMatchObject([{ code: "DLM522" }]);
  });

  it("a folder DLM wrote carries its marker and is replaced; a copy of it under another name is not DLM's", async () => {
    const dir = project();
    const target = join(dir, "models", "ours");
    const fill = async (temporary: string) => writeFileSync(join(temporary, "model.json"), "{}");
    await replaceDirectoryAtomically(target, fill);
    await replaceDirectoryAtomically(target, fill);
    expect(readdirSync(target).sort()).toEqual([".dlm-bundle.json", "model.json"]);
    mkdirSync(join(dir, "models", "copy"));
    for (const name of readdirSync(target)) writeFileSync(join(dir, "models", "copy", name), readFileSync(join(target, name)));
    expect(dlmOwnership(join(dir, "models", "copy"), "export")).toMatchObject({ owned: false });
  });

  it("a CSV starting with `epoch` and a page saying 'DLM run report' are not DLM's unless its ledger lists them", async () => {
    const dir = project();
    writeFileSync(join(dir, "sensors.csv"), "epoch,humidity\n1,0.4\n");
    writeFileSync(join(dir, "README.md"), "# My project\nWe keep the DLM run report in runs/.\n");
    expect(dlmOwnership(join(dir, "sensors.csv"), "log")).toMatchObject({ owned: false });
    await expect(writeReport(join(dir, "README.md"), {} as never)).rejects.toThrow(/DLM has no record of writing it/);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("My project");
    expect(checkOnDisk(dir, csvIris('  evaluate { on: test, metrics: [accuracy], report: "README.md" }\n'))).toMatchObject(
      [{ code: "DLM522" }],
    );
  });

  it("a file DLM wrote is DLM's while its bytes are the ledger's; once edited it is the user's", async () => {
    const dir = project();
    const log = join(dir, "logs", "run.csv");
    mkdirSync(join(dir, "logs"));
    writeFileSync(log, "epoch,loss\n1,0.5\n");
    await recordWrittenFile(log);
    const ledger = JSON.parse(readFileSync(join(dir, "logs", OUTPUT_LEDGER), "utf8")) as { files: Record<string, string> };
    expect(ledger.files["run.csv"]).toBe(createHash("sha256").update("epoch,loss\n1,0.5\n").digest("hex"));
    expect(dlmOwnership(log, "log")).toEqual({ owned: true, exists: true });
    writeFileSync(log, "epoch,loss\n1,0.5\nmy own note\n");
    expect(dlmOwnership(log, "log")).toMatchObject({ owned: false, reason: expect.stringContaining("changed since DLM wrote it") });
    expect(dlmOwnership(join(dir, "logs", OUTPUT_LEDGER), "log")).toMatchObject({ owned: false });
  });

  it("the data source of every experiment of the file is protected, not only the experiment's own", () => {
    const text =
      csvIris("", withCallback('csv_logger("sensors.csv")')) +
      'experiment sensors {\n  data {\n    source: csv("sensors.csv", label: label)\n    split { validation: 0.2, test: 0.2 }\n  }\n  model: Mlp\n  train {\n    loss: mse\n    epochs: 1\n  }\n}\n';
    const reported = checkExperimentsIn(text, { "iris.csv": "a,b,label\n1,2,x\n", "sensors.csv": "a,b,label\n1,2,3\n" }).reported.filter(
      (diagnostic) => diagnostic.code === "DLM520",
    );
    expect(reported).toMatchObject([{ marked: '"sensors.csv"' }]);
    expect(reported[0]!.message).toContain('is data source csv("sensors.csv")');
  });
});

describe("E: a pretrained model is an input", () => {
  const transfer = (checkpoint: string) =>
    "model Base {\n  dense(8, activation: relu)\n  dense(3, activation: softmax)\n}\n" +
    irisExperiment({
      model: 'model Tuned {\n  pretrained("models/base/model.json")\n}\n',
      train: withCallback(`model_checkpoint("${checkpoint}", save_best_only: false)`),
    }).replace("model: Mlp", "model: Tuned");

  it("a checkpoint over the pretrained model the experiment reads is DLM520", () => {
    const reported = checkExperimentsIn(transfer("models/base")).reported.filter((diagnostic) => diagnostic.code === "DLM520");
    expect(reported).toMatchObject([{ marked: '"models/base"' }]);
    expect(reported[0]!.message).toContain('the pretrained model pretrained("models/base/model.json")');
    expect(checkExperimentsIn(transfer("models/base/inner")).reported.filter((d) => d.code === "DLM520")).toHaveLength(1);
  });

  it("an experiment may export the model another experiment fine-tunes (samples/transfer_digits.dlm)", () => {
    const text = readFileSync(join(__dirname, "..", "..", "samples", "transfer_digits.dlm"), "utf8");
    expect(checkExperimentsIn(text).reported.filter((diagnostic) => diagnostic.code === "DLM520")).toEqual([]);
  });
});

describe("B: symbolic links do not lead relative outputs out of the project", () => {
  it("ckpt -> ../victim and exports/l -> /etc: DLM521 at check and refused before training", async () => {
    const dir = project();
    const victim = `${dir}-victim`;
    mkdirSync(victim);
    afterAll(() => rmSync(victim, { recursive: true, force: true }));
    symlinkSync(victim, join(dir, "ckpt"));
    mkdirSync(join(dir, "exports"));
    symlinkSync("/etc", join(dir, "exports", "l"));
    for (const written of ["ckpt/newexport", "exports/l/newexport"]) {
      const reported = checkOnDisk(dir, csvIris(`  export: "${written}"\n`));
      expect(reported).toMatchObject([{ code: "DLM521" }]);
      expect(reported[0]!.message).toContain("through a symbolic link");
      await expect(checkExperimentOutputs(definition(dir, { export: written }))).rejects.toThrow(/DLM521/);
    }
    expect(readdirSync(victim)).toEqual([]);
    // an absolute path written in the file stays the user's visible choice
    expect(checkOnDisk(dir, csvIris(`  export: "${victim}/x"\n`))).toEqual([]);
  });
});

describe("C: stale temporaries are removed only when DLM signed them", () => {
  it("exports/iris.tmp-backup and iris.tmp-999999-mysave of the user's stay", async () => {
    const dir = project();
    const target = join(dir, "exports", "iris");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const users = [`${target}.tmp-backup`, `${target}.tmp-${dead}-mysave`];
    for (const folder of users) plainModelFolder(folder);
    const ours = `${target}.tmp-${dead}-aB3xY9`;
    plainModelFolder(ours);
    writeFileSync(join(ours, ".dlm-bundle.json"), JSON.stringify({ writtenBy: "dlm", folder: "iris" }));
    expect(await removeStaleTemporaries(target)).toEqual([ours]);
    for (const folder of users) expect(readFileSync(join(folder, "weights.bin"), "utf8")).toBe("my trained weights");
  });
});

describe("D: a Markdown report's charts are outputs", () => {
  it("a chart file of the user's is DLM522, a log at a chart's path is DLM523, the runtime refuses it too", async () => {
    const dir = project();
    mkdirSync(join(dir, "reports"));
    writeFileSync(join(dir, "reports", "summary-learning-curves.svg"), "<svg>my drawing</svg>");
    const report = '  evaluate { on: test, metrics: [accuracy], report: "reports/summary.md" }\n';
    const reported = checkOnDisk(dir, csvIris(report));
    expect(reported).toMatchObject([{ code: "DLM522" }]);
    expect(reported[0]!.message).toContain("summary-learning-curves.svg");
    expect(
      checkOnDisk(
        dir,
        csvIris(report.replace("summary.md", "other.md"), withCallback('csv_logger("reports/other-roc.svg")')),
      ).map((d) => d.code),
    ).toContain("DLM523");
    expect(experimentOutputs(definition(dir, { report: "reports/summary.md" })).map((output) => output.written)).toEqual([
      "reports/summary.md",
      "reports/summary-learning-curves.svg",
      "reports/summary-confusion-matrix.svg",
      "reports/summary-roc.svg",
    ]);
    await expect(checkExperimentOutputs(definition(dir, { report: "reports/summary.md" }))).rejects.toThrow(
      "summary-learning-curves.svg",
    );
    expect(readFileSync(join(dir, "reports", "summary-learning-curves.svg"), "utf8")).toBe("<svg>my drawing</svg>");
  });
});

describe("F: one writer per bundle folder", () => {
  it("concurrent replacements of one folder are serialized: both finish, no temporary or lock is left", async () => {
    const dir = project();
    const target = join(dir, "ckpt");
    const slowFill = (label: string) => async (temporary: string) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      writeFileSync(join(temporary, "model.json"), label);
    };
    await Promise.all(["a", "b", "c"].map((label) => replaceDirectoryAtomically(target, slowFill(label))));
    expect(readdirSync(dir).sort()).toEqual(["ckpt", "iris.csv"]);
    expect(["a", "b", "c"]).toContain(readFileSync(join(target, "model.json"), "utf8"));
  });

  it("a lock left by a dead process is taken over; a file of the user's at the lock's path is never removed", async () => {
    const dir = project();
    const target = join(dir, "ckpt");
    const fill = async (temporary: string) => writeFileSync(join(temporary, "model.json"), "{}");
    writeFileSync(lockPath(target), JSON.stringify({ writtenBy: "dlm", pid: 2 ** 22 + 12345 }));
    await replaceDirectoryAtomically(target, fill);
    expect(existsSync(lockPath(target))).toBe(false);
    writeFileSync(lockPath(target), "my notes");
    await expect(replaceDirectoryAtomically(target, fill)).rejects.toThrow("is not a lock DLM wrote");
    expect(readFileSync(lockPath(target), "utf8")).toBe("my notes");
    expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });
});

describe("G: outputs inside the run folders", () => {
  it('export: "runs/iris" is DLM520 at check time, on the literal', () => {
    const reported = checkExperimentsIn(irisExperiment({ extra: '  export: "runs/iris"\n' })).reported.filter(
      (diagnostic) => diagnostic.code === "DLM520",
    );
    expect(reported).toMatchObject([{ marked: '"runs/iris"' }]);
    expect(reported[0]!.message).toContain("the run folders (runs/)");
  });
});

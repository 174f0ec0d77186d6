/**
 * The torch generator: the program a person reads (model class with source comments, the
 * experiment's settings, a plain-or-distributed training loop), text from a `.dlm` file kept
 * as data (the TS emitter's hostile cases, run through Python), and the torch engine's checks
 * (DLM550, DLM551) with their catalog snippets.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram, checkSource } from "../../compiler/program.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { checkTorchTarget } from "../../compiler/torch/check-torch.js";
import { emitTorchProgram, torchProgramFileName } from "../../compiler/torch/emit-torch.js";
import { pythonComment, pythonString } from "../../compiler/torch/python-literals.js";
import { ENGINE_MESSAGES } from "../../diagnostics/catalog/engines.js";
import { runPython, TORCH_MISSING } from "./torch-python.js";

/** The torch program of the one experiment of a source text. */
function torchProgram(source: string, file = "main.dlm"): string {
  const result = checkSource(source, file);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return emitTorchProgram(result.plans[0]!, { outDir: "out", sourceText: () => source }).text;
}

/** Codes of the torch checks on every experiment of a source text. */
function torchCodes(source: string): string[] {
  const result = checkSource(source);
  return [...result.diagnostics, ...result.plans.flatMap((plan) => checkTorchTarget(plan))].map((d) => d.code);
}

const HOSTILE = 'q"uote \\back ${x} `tick` """ end\u2028sep\u0085nel\r\nraise SystemExit(9) 😀\u0000';

describe("the torch program", () => {
  const iris = `model Flower {
  dense(8, activation: relu)
  dense(3, activation: softmax)
}
experiment flower {
  seed: 3
  data { source: builtin("iris"), split { train: 0.8, validation: 0.2 } }
  model: Flower
  train { optimizer: sgd(learning_rate: 0.1, momentum: 0.9), loss: sparse_categorical_crossentropy, epochs: 7, batch_size: 10 }
}`;

  it("reads like hand-written PyTorch: an nn.Module with source comments, the settings, DDP from env://", () => {
    const text = torchProgram(iris);
    expect(text).toContain("class Model(nn.Module):");
    expect(text).toContain("        # main.dlm:2  dense(8, activation: relu) -> [8]\n        x = F.relu(self.dense(x))");
    expect(text).toContain("        self.dense_1 = nn.Linear(8, 3, bias=True)");
    expect(text).toContain('OPTIMIZER = {"name": "sgd", "learningRate": 0.1, "momentum": 0.9}');
    expect(text).toContain("EPOCHS = 7\n");
    expect(text).toContain("BATCH_SIZE = 10 ");
    expect(text).toContain("SEED = 3 ");
    expect(text).toContain('dist.init_process_group("nccl" if device.type == "cuda" else "gloo", init_method="env://", timeout=datetime.timedelta(seconds=args.timeout))');
    expect(text).toContain("DistributedDataParallel(model");
    expect(text).toContain("DistributedSampler(self.dataset, num_replicas=world_size, rank=rank");
    expect(text).toContain("if rank == 0:\n        predictions = {}");
    expect(torchProgramFileName("flower")).toBe("flower.py");
  });

  it("string literals round-trip any string exactly through Python", { skip: TORCH_MISSING !== undefined }, () => {
    const samples = ["plain", 'q"uote', "back\\slash", "{brace}", "'single'", '"""', "line\nbreak", "\u2028\u2029\u0085", "emoji 😀", "\u0000nul", HOSTILE];
    const literals = samples.map(pythonString);
    for (const literal of literals) expect(literal).toMatch(/^[\x20-\x7e]+$/);
    const out = runPython(["-c", `import json\nprint(json.dumps([${literals.join(", ")}]))`]);
    expect(JSON.parse(out)).toEqual(samples);
    expect(pythonComment(HOSTILE)).toMatch(/^[\x20-\x7e]*$/);
  });

  it("keeps hostile text as data: py_compile accepts the program and importing it runs nothing", { skip: TORCH_MISSING !== undefined }, () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-hostile-"));
    const folder = join(dir, 'q"uote \\back """ end\u2028sep 😀');
    mkdirSync(folder);
    const source = `/// ${HOSTILE.replace(/[\r\n\u0000]/g, " ")}
model Flower {
  dense(8 /* ${HOSTILE.replace(/\*\//g, "")} */, activation: relu)
  dense(3, activation: softmax) // \u2028 raise SystemExit(7)
}
experiment flower {
  data { source: builtin("iris"), split { train: 0.8, test: 0.2 } }
  model: Flower
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}`;
    const file = join(folder, "hostile.dlm");
    writeFileSync(file, source);
    const result = checkProgram([file], nodeCompilerHost());
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const program = emitTorchProgram(result.plans[0]!, { outDir: dir, sourceText: (f) => result.files.get(f)?.text });
    expect(program.text).toMatch(/^[\x20-\x7e\n]*$/);
    const path = join(dir, "program.py");
    writeFileSync(path, program.text);
    runPython(["-m", "py_compile", path]);
    const out = runPython([
      "-c",
      `import importlib.util, sys\nspec = importlib.util.spec_from_file_location("p", sys.argv[1])\nm = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(m)\nprint(m.EXPERIMENT, sum(p.numel() for p in m.Model().parameters()))`,
      path,
    ]);
    expect(out.trim()).toBe("flower 67");
  });
});

describe("the torch engine's checks", () => {
  const experiment = (model: string, train = "loss: sparse_categorical_crossentropy, epochs: 1", data = "") =>
    `experiment e {\n  data { source: builtin("iris"), split { train: 0.8, validation: 0.2 }${data} }\n  model {\n${model}\n  }\n  train { ${train} }\n}`;

  it("DLM550 points at a layer with no faithful mapping", () => {
    const source = experiment("    embedding(10, 4, mask_zero: true)\n    flatten\n    dense(3, activation: softmax)");
    const result = checkSource(source);
    const [diagnostic] = result.plans.flatMap((plan) => checkTorchTarget(plan));
    expect(diagnostic?.code).toBe("DLM550");
    expect(source.slice(diagnostic!.range.start, diagnostic!.range.end)).toBe("embedding(10, 4, mask_zero: true)");
    expect(diagnostic?.message).toContain("mask_zero");
  });

  it("DLM551 names each setting the torch program does not run", () => {
    const codes = torchCodes(
      experiment(
        "    dense(3, activation: softmax)",
        "loss: sparse_categorical_crossentropy, metrics: [accuracy, precision], epochs: 1, callbacks { early_stopping(monitor: val_precision) csv_logger(\"log.csv\") }",
      ),
    );
    // csv_logger runs (DLM writes it from the run's history); a monitor the program does not compute does not
    expect(codes.filter((code) => code === "DLM551")).toHaveLength(1);
    expect(torchCodes(experiment("    dense(3, activation: softmax)", "loss: sparse_categorical_crossentropy, epochs: 1, callbacks { early_stopping(monitor: val_loss) terminate_on_nan }"))).toEqual([]);
    // accuracy is a monitor the program computes, for a classifier that logs it
    expect(torchCodes(experiment("    dense(3, activation: softmax)", "loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 1, callbacks { model_checkpoint(\"best\", monitor: val_accuracy) }"))).toEqual([]);
  });

  for (const entry of ENGINE_MESSAGES) {
    it(`${entry.code} (${entry.title}): the wrong snippet reports it, the fixed one does not`, () => {
      expect(torchCodes(entry.wrong)).toContain(entry.code);
      expect(torchCodes(entry.fixed)).toEqual([]);
    });
  }
});

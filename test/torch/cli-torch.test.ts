/**
 * The torch target as users reach it: `dlm check --target torch` and `dlm compile --target
 * torch` in a real process through bin/dlm.js (built by `npm run build`).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPython, TORCH_MISSING } from "./torch-python.js";

const ROOT = join(import.meta.dirname, "..", "..");

function dlm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "dlm.js"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("dlm check and compile --target torch", () => {
  it("compiles every sample the torch engine runs to Python that py_compile accepts", { skip: TORCH_MISSING !== undefined }, () => {
    const out = mkdtempSync(join(tmpdir(), "dlm-torch-cli-"));
    for (const sample of ["iris", "boston_housing"]) {
      const result = dlm(["compile", `samples/${sample}.dlm`, "--target", "torch", "--out", out]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`wrote ${join(out, `${sample}.py`)}\n`);
    }
    expect(readdirSync(out).sort()).toEqual(["boston_housing.py", "iris.py"]);
    runPython(["-m", "py_compile", join(out, "iris.py"), join(out, "boston_housing.py")]);
  });

  it("reports what the torch engine would not run as positioned errors, and compiles nothing then", () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-cli-"));
    const file = join(dir, "masked.dlm");
    writeFileSync(
      file,
      'experiment e {\n  data { source: builtin("iris") }\n  model {\n    embedding(10, 4, mask_zero: true)\n    flatten\n    dense(3, activation: softmax)\n  }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n',
    );
    expect(dlm(["check", file]).status).toBe(0);
    const checked = dlm(["check", file, "--target", "torch"]);
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain("error[DLM550]: `embedding` has no PyTorch mapping");
    expect(checked.stderr).toContain(`--> ${file}:4:5`);
    const compiled = dlm(["compile", file, "--target", "torch", "--out", join(dir, "out")]);
    expect(compiled.status).toBe(1);
    expect(compiled.stdout).toBe("");
    expect(compiled.stderr).toContain("error[DLM550]");
    writeFileSync(
      file,
      'experiment e {\n  data { source: builtin("iris") }\n  model { dense(3, activation: softmax) }\n  train {\n    loss: sparse_categorical_crossentropy\n    metrics: [precision]\n    epochs: 1\n    callbacks { early_stopping(monitor: precision) }\n  }\n}\n',
    );
    const monitor = dlm(["check", file, "--target", "torch"]);
    expect(monitor.status).toBe(1);
    expect(monitor.stderr).toContain("error[DLM551]: experiment `e` has `early_stopping` on `precision` (only `loss`, `val_loss`)");
    // the mnist sample (augment, model_checkpoint on val_accuracy) is one the torch engine runs
    expect(dlm(["check", "samples/mnist.dlm", "--target", "torch"]).status).toBe(0);
  });

  it("`engine: torch` in an experiment makes `dlm check` report what torch would not run; `--target tfjs` overrides it", () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-engine-"));
    const file = join(dir, "masked.dlm");
    writeFileSync(
      file,
      'experiment e {\n  engine: torch\n  data { source: builtin("iris") }\n  model {\n    embedding(10, 4, mask_zero: true)\n    flatten\n    dense(3, activation: softmax)\n  }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n',
    );
    const checked = dlm(["check", file]);
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain("error[DLM550]: `embedding` has no PyTorch mapping");
    expect(checked.stderr).toContain(`--> ${file}:5:5`);
    expect(dlm(["check", file, "--target", "tfjs"]).status).toBe(0);
    writeFileSync(file, 'experiment e {\n  engine: jax\n  data { source: builtin("iris") }\n  model { dense(3, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n');
    const wrong = dlm(["check", file]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`--> ${file}:2:11`);
    expect(wrong.stderr).toMatch(/tfjs.*torch/);
  });
});

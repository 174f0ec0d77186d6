/**
 * The model zoo through the CLI: `dlm summary` of a file that declares only a named
 * architecture, `dlm models` and `dlm models fetch` (bin/dlm.js, the built bundle).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const CACHE = mkdtempSync(join(tmpdir(), "dlm-cache-"));

afterAll(() => rmSync(CACHE, { recursive: true, force: true }));

function dlm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "dlm.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", DLM_CACHE: CACHE },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("dlm summary of a named architecture", () => {
  it("shows ResNet50's weight count without its top at [224, 224, 3]", () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-zoo-"));
    const file = join(dir, "backbone.dlm");
    writeFileSync(file, "model Backbone(input: [224, 224, 3]) {\n  pretrained(resnet50, weights: none, include_top: false)\n}\n");
    const text = dlm(["summary", file]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("[7, 7, 2048]");
    expect(text.stdout).toContain("Total params: 23,587,712");
    const json = JSON.parse(dlm(["summary", file, "--json"]).stdout) as { models: { params: number; trainableParams: number }[] };
    expect(json.models[0]?.params).toBe(23_587_712);
    expect(json.models[0]?.trainableParams).toBe(23_534_592);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("dlm models", () => {
  it("lists each architecture with its weights, input size, licence, and whether its files are cached", () => {
    mkdirSync(join(CACHE, "models"), { recursive: true });
    writeFileSync(join(CACHE, "models", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"), "");
    const result = dlm(["models"]);
    expect(result.status).toBe(0);
    const line = (name: string) => result.stdout.split("\n").find((row) => row.startsWith(`${name} `)) ?? "";
    expect(line("vgg16")).toContain("138,357,544 / 14,714,688");
    expect(line("resnet50")).toContain("25,636,712 / 23,587,712");
    expect(line("resnet50")).toContain("MIT");
    expect(line("mobilenet_v2")).toContain("3,538,984 / 2,257,984");
    expect(line("mobilenet_v2")).toContain("[224, 224, 3]");
    expect(line("mobilenet_v2")).toMatch(/no \/ yes/);
    expect(line("vgg16")).toMatch(/no \/ no/);
    const json = JSON.parse(dlm(["models", "--json"]).stdout) as { cache: string; models: { name: string; noTop: { cached: boolean; float32Bytes: number } }[] };
    expect(json.cache).toBe(join(CACHE, "models"));
    expect(json.models.find((model) => model.name === "mobilenet_v2")?.noTop).toMatchObject({ cached: true, float32Bytes: 2_257_984 * 4 });
  });

  it("fetch names the files, their source and the folder to put them in; an unknown name is a usage error", () => {
    const result = dlm(["models", "fetch", "resnet50"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`Place Keras's files in ${join(CACHE, "models")}`);
    expect(result.stdout).toContain("resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5");
    expect(result.stdout).toContain("md5 4d473c1dd8becc155b73f8504c6f6626");
    const unknown = dlm(["models", "fetch", "resnet5"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("did you mean `resnet50`?");
  });
});

/**
 * The model zoo through the CLI: `dlm summary` of a file that declares only a named
 * architecture, `dlm models` and `dlm models fetch` (bin/dlm.js, the built bundle), the
 * latter downloading from a server on 127.0.0.1 named by DLM_MODELS_URL.
 */
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
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

  it("fetch downloads from DLM_MODELS_URL, records the SHA-256, refuses a file with the wrong md5, and says how to pre-seed offline", async () => {
    const cache = mkdtempSync(join(tmpdir(), "dlm-fetch-"));
    const body = Buffer.from("not really weights, but served whole");
    const server = http.createServer((request, response) => {
      response.writeHead(200, { "content-length": body.length });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // Asynchronous, so this process's server can answer while the CLI runs.
    const run = (args: string[], url: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [join(ROOT, "bin", "dlm.js"), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", DLM_CACHE: cache, DLM_MODELS_URL: url } }, (error, stdout, stderr) =>
          resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr }),
        );
      });
    const folder = join(cache, "models");
    try {
      // Keras publishes no md5 for MobileNetV2's files: the download is kept and its SHA-256 recorded.
      const fetched = await run(["models", "fetch", "mobilenet_v2"], base);
      expect(fetched.code).toBe(0);
      const file = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5";
      const sha256 = createHash("sha256").update(body).digest("hex");
      expect(fetched.stdout).toContain(`mobilenet_v2: downloaded ${join(folder, file)}`);
      expect(fetched.stdout).toContain(`SHA-256 ${sha256}`);
      expect(fetched.stderr).toContain(`Downloading ${file}`);
      expect(readFileSync(join(folder, file)).equals(body)).toBe(true);
      const listed = JSON.parse((await run(["models", "--json"], base)).stdout) as { models: { name: string; noTop: { cached: boolean; sha256?: string; url: string } }[] };
      expect(listed.models.find((model) => model.name === "mobilenet_v2")?.noTop).toMatchObject({ cached: true, sha256, url: `${base}mobilenet_v2/${file}` });

      // ResNet50's file has Keras's md5, which the served bytes do not match.
      const wrong = await run(["models", "fetch", "resnet50"], base);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("Keras publishes 4d473c1dd8becc155b73f8504c6f6626 (the download was discarded)");
      expect(readdirSync(folder).filter((name) => name.startsWith("resnet50") || name.startsWith(".resnet50"))).toEqual([]);

      // Offline: nothing listens on port 9 here.
      const offline = await run(["models", "fetch", "vgg16", "--top"], "http://127.0.0.1:9/");
      expect(offline.code).toBe(1);
      expect(offline.stderr).toContain("cannot download vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 from http://127.0.0.1:9/vgg16/");
      expect(offline.stderr).toContain(`place it as ${join(folder, "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")}`);
      expect(existsSync(join(folder, "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"))).toBe(false);

      // A mirror must be https, or http on this machine.
      const plain = await run(["models", "fetch", "vgg16"], "http://example.com/keras/");
      expect(plain.stderr).toContain("`http://example.com/keras/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5` is neither https nor http on this machine");
    } finally {
      server.close();
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("fetch of an unknown name is a usage error", () => {
    const unknown = dlm(["models", "fetch", "resnet5"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("did you mean `resnet50`?");
  });
});

/**
 * Model files are data. A pretrained model, a bundle for `dlm predict` or a checkpoint for
 * `--resume` may come from anyone: a `.js` weight shard is never run (it used to be
 * evaluated with `vm`, which reaches `process`), manifest paths stay inside the model's
 * folder and name regular files, and the files' sizes must match the manifest. The one
 * JavaScript-wrapped model DLM knows, nsfwjs's MobileNetV2, still loads bit for bit.
 */
import { execFileSync } from "node:child_process";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel, saveModel } from "../../runtime/model-io.js";
import { loadPretrained } from "../../runtime/pretrained.js";
import { exportedLiteral } from "../../runtime/wrapped-model.js";

const MOBILENET = path.join(
  import.meta.dirname,
  "..",
  "..",
  "node_modules",
  "nsfwjs",
  "dist",
  "models",
  "mobilenet_v2",
);

let scratch: string;
beforeAll(async () => {
  await tf.setBackend("cpu");
  tf.enableProdMode();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-models-"));
});
afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

/** A saved dense 3 → 2 model (8 float32 weights, 32 bytes) in a fresh folder; returns the folder. */
async function savedModel(name: string): Promise<string> {
  const dir = path.join(scratch, name, "model");
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: "d" })] });
  await saveModel(dir, model);
  model.dispose();
  return dir;
}

/** Rewrites the weight paths of `dir/model.json`. */
async function setManifestPaths(dir: string, paths: string[]): Promise<void> {
  const file = path.join(dir, "model.json");
  const json = JSON.parse(await fs.readFile(file, "utf8")) as tf.io.ModelJSON;
  json.weightsManifest[0]!.paths = paths;
  await fs.writeFile(file, JSON.stringify(json));
}

describe("a weight shard wrapped as JavaScript is parsed, never run", () => {
  it("a .js shard that would reach `process` is refused and has no effect", async () => {
    const dir = await savedModel("js-shard");
    const marker = path.join(scratch, "js-shard", "PWNED");
    await fs.rm(path.join(dir, "weights.bin"));
    await setManifestPaths(dir, ["group1-shard1of1"]);
    // Under `vm` this escaped the context through the host object `module` and wrote the marker.
    const attack =
      'module.exports = (function () { var p = module.constructor.constructor("return process")(); ' +
      `p.getBuiltinModule("fs").writeFileSync(${JSON.stringify(marker)}, "pwned"); return "${"A".repeat(44)}"; })();`;
    await fs.writeFile(path.join(dir, "group1-shard1of1.js"), attack);
    await expect(loadPretrained(path.join(dir, "model.json"))).rejects.toThrow(
      /group1-shard1of1\.js: no `module\.exports = <literal>` found; DLM reads model files as data and never runs JavaScript/,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it("a model.js whose export is code, not a literal, is refused naming the line", async () => {
    const dir = path.join(scratch, "js-model");
    await fs.mkdir(dir, { recursive: true });
    const marker = path.join(dir, "PWNED");
    await fs.writeFile(
      path.join(dir, "model.js"),
      `module.exports = {\n  modelTopology: require("fs").writeFileSync(${JSON.stringify(marker)}, "x"),\n};\n`,
    );
    await expect(loadPretrained(dir)).rejects.toThrow(
      /model\.js: line 2, column 18: a function call in the exported literal; only JSON-like literals are read/,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it("reads JSON-like literals the way a minifier writes them, and nothing else", () => {
    expect(
      exportedLiteral('!function(){a.exports={b:[1,-2.5,.5,!0,!1,null],"c d":"x",__proto__:{e:1}}}()', "m.js"),
    ).toEqual(JSON.parse('{"b":[1,-2.5,0.5,true,false,null],"c d":"x","__proto__":{"e":1}}'));
    // `__proto__` is an own key, as JSON.parse makes it: the object's prototype is untouched.
    const value = exportedLiteral("module.exports={__proto__:{polluted:1}}", "m.js") as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    for (const code of [
      "module.exports={a:f()}",
      "module.exports={[k]:1}",
      "module.exports={...x}",
      "module.exports=[`${x}`]",
    ]) {
      expect(() => exportedLiteral(code, "m.js"), code).toThrow(/m\.js: /);
    }
  });
});

describe("weightsManifest paths stay in the model's folder and name regular files", () => {
  it("refuses `../../secret`, though the secret has exactly the size the weights need", async () => {
    const dir = await savedModel("climb");
    const secret = path.join(scratch, "secret");
    await fs.writeFile(secret, Buffer.alloc(32, 7));
    await setManifestPaths(dir, ["../../secret"]);
    await expect(loadModel(dir)).rejects.toThrow(
      /model\.json: weightsManifest names "\.\.\/\.\.\/secret", outside the model's folder/,
    );
    await expect(loadPretrained(path.join(dir, "model.json"))).rejects.toThrow(/outside the model's folder/);
  });

  it("refuses `/dev/zero`, written as an absolute path or climbing to it", async () => {
    const dir = await savedModel("dev-zero");
    await setManifestPaths(dir, ["/dev/zero"]);
    await expect(loadModel(dir)).rejects.toThrow(/model\.json: weightsManifest names the absolute path "\/dev\/zero"/);
    await setManifestPaths(dir, [`${"../".repeat(30)}dev/zero`]);
    await expect(loadModel(dir)).rejects.toThrow(/outside the model's folder/);
  });

  it("refuses a symlink inside the folder that leads out of it (to a secret, to /dev/zero)", async () => {
    const dir = await savedModel("symlink");
    const secret = path.join(scratch, "secret-2");
    await fs.writeFile(secret, Buffer.alloc(32, 7));
    await fs.rm(path.join(dir, "weights.bin"));
    await fs.symlink(secret, path.join(dir, "weights.bin"));
    await expect(loadModel(dir)).rejects.toThrow(
      /the weight file "\.\/weights\.bin" is a link to .*secret-2, outside the model's folder/,
    );
    await fs.rm(path.join(dir, "weights.bin"));
    await fs.symlink("/dev/zero", path.join(dir, "weights.bin"));
    await expect(loadModel(dir)).rejects.toThrow(/is a link to \/dev\/zero, outside the model's folder/);
  });

  it("refuses a folder or a FIFO named as a weight file without blocking", async () => {
    const dir = await savedModel("special");
    await fs.mkdir(path.join(dir, "shards"));
    await setManifestPaths(dir, ["shards"]);
    await expect(loadModel(dir)).rejects.toThrow(/the weight file "shards" is not a regular file/);
    // Opening a FIFO for reading would wait for a writer forever.
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    await setManifestPaths(dir, ["pipe"]);
    await expect(loadModel(dir)).rejects.toThrow(/the weight file "pipe" is not a regular file/);
  });

  it("refuses a model.json that is a link out of the bundle", async () => {
    const dir = await savedModel("json-link");
    const elsewhere = path.join(scratch, "elsewhere.json");
    await fs.rename(path.join(dir, "model.json"), elsewhere);
    await fs.symlink(elsewhere, path.join(dir, "model.json"));
    await expect(loadModel(dir)).rejects.toThrow(
      /the model\.json "model\.json" is a link to .*elsewhere\.json, outside/,
    );
  });
});

describe("weight files must have the size the manifest's dtypes and shapes give", () => {
  it("refuses a weights.bin 4 bytes longer or shorter than 8 float32 values, before reading it", async () => {
    const dir = await savedModel("sizes");
    const bin = path.join(dir, "weights.bin");
    const weights = await fs.readFile(bin);
    await fs.writeFile(bin, Buffer.concat([weights, Buffer.alloc(4)]));
    await expect(loadModel(dir)).rejects.toThrow(
      /model\.json: the weight files \(weights\.bin\) hold 36 bytes; the weightsManifest's dtypes and shapes need exactly 32/,
    );
    await fs.writeFile(bin, weights.subarray(0, 28));
    await expect(loadModel(dir)).rejects.toThrow(/hold 28 bytes; .* need exactly 32/);
    await fs.writeFile(bin, weights);
    const { model } = await loadModel(dir);
    expect(model.getWeights().map((weight) => weight.shape)).toEqual([[3, 2], [2]]);
  });

  it("refuses a manifest whose shape claims petabytes instead of allocating them", async () => {
    const dir = await savedModel("huge");
    const file = path.join(dir, "model.json");
    const json = JSON.parse(await fs.readFile(file, "utf8")) as tf.io.ModelJSON;
    json.weightsManifest[0]!.weights[0]!.shape = [1e6, 1e6, 1e3];
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(/need exactly 4000000000000008/);
  });
});

describe("nsfwjs's MobileNetV2, the JavaScript-wrapped model DLM knows", () => {
  it("loads with every weight equal to an independent decode of its base64 shard", async () => {
    // Independent of the loader: the package's own module gives the manifest (trusted code, run here
    // in the test only), and a regular expression finds the base64 string in the shard.
    const manifest = (createRequire(import.meta.url)(path.join(MOBILENET, "model.min.js")) as tf.io.ModelJSON)
      .weightsManifest[0]!;
    const base64 = /exports="([A-Za-z0-9+/]+={0,2})"/.exec(
      readFileSync(path.join(MOBILENET, "group1-shard1of1.min.js"), "utf8"),
    )![1]!;
    const bytes = Buffer.from(base64, "base64");
    const decoded = tf.io.decodeWeights(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      manifest.weights,
    );

    const model = await loadPretrained(MOBILENET);
    expect(model.weights).toHaveLength(manifest.weights.length);
    let compared = 0;
    for (const weight of model.weights) {
      const expected = decoded[weight.originalName];
      expect(expected, weight.originalName).toBeDefined();
      const actual = weight.read().dataSync() as Float32Array;
      const wanted = expected!.dataSync() as Float32Array;
      expect(
        Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(
          Buffer.from(wanted.buffer, wanted.byteOffset, wanted.byteLength),
        ),
        weight.originalName,
      ).toBe(true);
      compared += actual.length;
    }
    expect(compared).toBeGreaterThan(2_000_000);
    model.dispose();
    tf.dispose(Object.values(decoded));
  });
});

/**
 * The weight files DLM and a generated torch program exchange, in TF.js's layout: `NAME.json`
 * lists each weight (`layer`, `weight`, `shape`) in order and `NAME.bin` holds their values as
 * little-endian float32, back to back. The program writes the trained weights (`weights`);
 * DLM writes the backbones' pretrained weights for it (`backbone-weights`, in the data folder).
 * Plain data both ways: nothing in them is run.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { LayerWeight } from "./build-tfjs-model.js";

/** The listed weights, their values read from the `.bin` beside the `.json`. */
export async function readWeightFiles(folder: string, name: string): Promise<LayerWeight[]> {
  const listed = JSON.parse(await fs.readFile(path.join(folder, `${name}.json`), "utf8")) as Omit<LayerWeight, "data">[];
  const bytes = await fs.readFile(path.join(folder, `${name}.bin`));
  let offset = 0;
  const weights = listed.map((entry) => {
    const count = entry.shape.reduce((product, size) => product * size, 1);
    const end = offset + count * 4;
    if (end > bytes.byteLength) throw new Error(`${name}.bin holds ${bytes.byteLength} bytes; ${name}.json lists more`);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + end));
    offset = end;
    return { ...entry, data };
  });
  if (offset !== bytes.byteLength) throw new Error(`${name}.bin holds ${bytes.byteLength} bytes; ${name}.json lists ${offset}`);
  return weights;
}

/** Writes `NAME.json` and `NAME.bin` into `folder`. */
export async function writeWeightFiles(folder: string, name: string, weights: readonly LayerWeight[]): Promise<void> {
  const listed = weights.map(({ layer, weight, shape }) => ({ layer, weight, shape }));
  const bytes = Buffer.concat(weights.map((weight) => Buffer.from(weight.data.buffer, weight.data.byteOffset, weight.data.byteLength)));
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(path.join(folder, `${name}.bin`), bytes);
  await fs.writeFile(path.join(folder, `${name}.json`), JSON.stringify(listed));
}

/**
 * Paths in generated programs are plain paths: the program finds its `.dlm` folder with
 * `fileURLToPath(import.meta.url)` and `path.resolve`, never by parsing user text as a URL.
 * Before, `new URL("../proj#1/", import.meta.url)` cut the name at `#` (or `?`, or decoded
 * `%41` to `A`): the run trained on another folder's data and exported there, exit 0.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeScratch, runDlm } from "./runs/scratch.js";

const scratch = makeScratch("inputs-paths");

/** Eight rows per class of two well-separated classes. */
function csv(classes: readonly [string, string]): string {
  const rows = ["x1,x2,y"];
  for (let i = 0; i < 8; i++)
    rows.push(`${i * 0.1},${1 + i * 0.1},${classes[0]}`, `${5 + i * 0.1},${6 - i * 0.1},${classes[1]}`);
  return rows.join("\n") + "\n";
}

const PROGRAM = `experiment p {
  seed: 1
  data { source: csv("data.csv", label: y) split { train: 0.75, test: 0.25 } }
  model { dense(2, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 1, batch_size: 4 }
  export: "exports/p"
}
`;

/** Each folder name, and the sibling the old URL parsing turned it into. */
const FOLDERS: readonly (readonly [string, string])[] = [
  ["a#1", "a"],
  ["b?c", "b"],
  ["d%41", "dA"],
  ["e f", "e%20f"],
  ["données", "donn%C3%A9es"],
];

describe("a project in a folder whose name URL parsing would change", () => {
  for (const [folder, sibling] of FOLDERS) {
    it(`\`${folder}\`: the run reads that folder's data and exports there, and nothing appears in \`${sibling}\``, () => {
      const dir = join(scratch, folder);
      mkdirSync(dir);
      writeFileSync(join(dir, "data.csv"), csv(["left", "right"]));
      writeFileSync(join(dir, "p.dlm"), PROGRAM);
      // A decoy where the old program looked: other classes, so reading it shows in the bundle.
      mkdirSync(join(scratch, sibling), { recursive: true });
      writeFileSync(join(scratch, sibling, "data.csv"), csv(["decoy0", "decoy1"]));
      const before = readdirSync(join(scratch, sibling));

      const result = runDlm(scratch, [
        "run",
        join(folder, "p.dlm"),
        "--out",
        join("runs", folder.replace(/[^a-z]/g, "_")),
      ]);
      expect(result.status, result.stderr).toBe(0);
      const card = readFileSync(join(dir, "exports", "p", "card.json"), "utf8");
      expect(card).toContain("left");
      expect(card).not.toContain("decoy");
      expect(readdirSync(join(scratch, sibling))).toEqual(before);
      expect(existsSync(join(scratch, sibling, "exports"))).toBe(false);
    }, 120_000);
  }
});

/**
 * The generated programs `dlm compile` and `dlm run` write (review of issue #14). Before: a
 * plain `writeFileSync` to `out/<experiment>.ts` followed a symlink planted there and
 * overwrote `victim/bashrc`; `dlm compile --out src` overwrote the user's own `src/iris.ts`;
 * with `out` a link to another folder the program resolved the `.dlm` folder from the link's
 * real location and trained on that folder's data; two `.dlm` files declaring one experiment
 * name, run at once from one folder, shared `out/<experiment>.ts` and both trained on the
 * second one's data.
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasGeneratedHeader } from "../../src/commands/write-program.js";
import { makeScratch, runDlm, startDlm, STACK_TRACE } from "./runs/scratch.js";

const scratch = makeScratch("outputs-programs");

/** Eight rows per class of two well-separated classes. */
function csv(classes: readonly [string, string]): string {
  const rows = ["x1,x2,y"];
  for (let i = 0; i < 8; i++)
    rows.push(`${i * 0.1},${1 + i * 0.1},${classes[0]}`, `${5 + i * 0.1},${6 - i * 0.1},${classes[1]}`);
  return rows.join("\n") + "\n";
}

/** Experiment `p` on `data` exporting to `exportPath`. */
function program(data: string, exportPath: string): string {
  return `experiment p {
  seed: 1
  data { source: csv("${data}", label: y) split { train: 0.75, test: 0.25 } }
  model { dense(2, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 1, batch_size: 4 }
  export: "${exportPath}"
}
`;
}

const BASHRC = "# my shell settings\nexport PATH=$HOME/bin:$PATH\n";

describe("dlm compile writes only where a program of its own may be replaced", () => {
  it("refuses a symlink planted at out/p.ts and leaves its target untouched", () => {
    const dir = join(scratch, "link");
    mkdirSync(join(dir, "proj", "out"), { recursive: true });
    mkdirSync(join(dir, "victim"));
    writeFileSync(join(dir, "victim", "bashrc"), BASHRC);
    writeFileSync(join(dir, "proj", "data.csv"), csv(["left", "right"]));
    writeFileSync(join(dir, "proj", "p.dlm"), program("data.csv", "exports/p"));
    symlinkSync("../../victim/bashrc", join(dir, "proj", "out", "p.ts"));
    const result = runDlm(join(dir, "proj"), ["compile", "p.dlm", "--out", "out"]);
    expect(result.status, result.stderr).not.toBe(0);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).toContain("refusing to write the program `out/p.ts`: it is a symbolic link");
    expect(readFileSync(join(dir, "victim", "bashrc"), "utf8")).toBe(BASHRC);
    expect(lstatSync(join(dir, "proj", "out", "p.ts")).isSymbolicLink()).toBe(true);
  });

  it("refuses to overwrite the user's own src/p.ts, and replaces a program it generated", () => {
    const dir = join(scratch, "own");
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "data.csv"), csv(["left", "right"]));
    writeFileSync(join(dir, "p.dlm"), program("data.csv", "exports/p"));
    const mine = "export const answer = 42;\n";
    writeFileSync(join(dir, "src", "p.ts"), mine);
    const refused = runDlm(dir, ["compile", "p.dlm", "--out", "src"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("refusing to write the program `src/p.ts`: it is not a program DLM generated");
    expect(readFileSync(join(dir, "src", "p.ts"), "utf8")).toBe(mine);

    for (let time = 0; time < 2; time++) {
      const compiled = runDlm(dir, ["compile", "p.dlm", "--out", "gen"]);
      expect(compiled.status, compiled.stderr).toBe(0);
    }
    expect(hasGeneratedHeader(readFileSync(join(dir, "gen", "p.ts"), "utf8"))).toBe(true);
    // written atomically: no temporary file is left beside it
    expect(readdirSync(join(dir, "gen"))).toEqual(["p.ts"]);
  });
});

describe("dlm run", () => {
  it("with `out` a link to another folder, trains on the .dlm's own data", () => {
    const dir = join(scratch, "outlink");
    mkdirSync(join(dir, "proj"), { recursive: true });
    mkdirSync(join(dir, "elsewhere", "out"), { recursive: true });
    writeFileSync(join(dir, "proj", "data.csv"), csv(["left", "right"]));
    writeFileSync(join(dir, "proj", "p.dlm"), program("data.csv", "exports/p"));
    // Where the program's real path pointed: a decoy with other classes.
    writeFileSync(join(dir, "elsewhere", "data.csv"), csv(["decoy0", "decoy1"]));
    symlinkSync("../elsewhere/out", join(dir, "proj", "out"));
    const result = runDlm(join(dir, "proj"), ["run", "p.dlm", "--backend", "cpu"]);
    expect(result.status, result.stderr).toBe(0);
    const card = readFileSync(join(dir, "proj", "exports", "p", "card.json"), "utf8");
    expect(card).toContain("left");
    expect(card).not.toContain("decoy");
    expect(readdirSync(join(dir, "elsewhere")).sort()).toEqual(["data.csv", "out"]);
  }, 120_000);

  it("two .dlm files declaring one experiment, run at once from one folder, each train their own data", async () => {
    const dir = join(scratch, "twins");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.csv"), csv(["alpha0", "alpha1"]));
    writeFileSync(join(dir, "b.csv"), csv(["beta0", "beta1"]));
    writeFileSync(join(dir, "a.dlm"), program("a.csv", "exports/a"));
    writeFileSync(join(dir, "b.dlm"), program("b.csv", "exports/b"));
    const runs = [
      startDlm(dir, ["run", "a.dlm", "--backend", "cpu", "--out", "runs-a"]),
      startDlm(dir, ["run", "b.dlm", "--backend", "cpu", "--out", "runs-b"]),
    ];
    const finished = await Promise.all(runs.map((run) => run.finished));
    for (const result of finished) expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(dir, "exports", "a", "card.json"), "utf8")).toContain("alpha0");
    expect(readFileSync(join(dir, "exports", "b", "card.json"), "utf8")).toContain("beta0");
    // one program file per .dlm: out/p-<hash of its absolute path>.ts
    const tag = (file: string) => createHash("sha256").update(join(dir, file)).digest("hex").slice(0, 8);
    expect(readdirSync(join(dir, "out")).sort()).toEqual([`p-${tag("a.dlm")}.ts`, `p-${tag("b.dlm")}.ts`].sort());
  }, 180_000);
});

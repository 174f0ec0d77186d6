/**
 * The generator: golden programs for two samples, every sample's program type-checks with
 * `tsc --strict` against the real runtime types, and strings from a `.dlm` file stay
 * strings, whatever they contain.
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checkProgram } from "../../compiler/program.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { emitExperiment, programFileName } from "../../compiler/emitter.js";
import { formatTypeScript } from "../../compiler/format-generated.js";
import { stringLiteral } from "../../compiler/emit-literals.js";
import { makeScratchFolder, REPOSITORY_ROOT, typeCheckFiles } from "../robustness/type-check-programs.js";

const ROOT = REPOSITORY_ROOT;
const scratch = makeScratchFolder("emit-");
const SCRATCH = scratch.dir;
afterAll(() => scratch.remove());

/** Checks a file from the repository root and emits its programs into `outDir` (relative to the root). */
async function compileFile(file: string, outDir: string): Promise<Map<string, string>> {
  const previous = process.cwd();
  process.chdir(ROOT);
  try {
    const host = nodeCompilerHost();
    const result = checkProgram([file], host);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const programs = new Map<string, string>();
    for (const plan of result.plans.filter((p) => p.file === file)) {
      const emitted = emitExperiment(plan, { outDir, sourceText: (f) => result.files.get(f)?.text });
      programs.set(emitted.path, await formatTypeScript(emitted.text));
    }
    return programs;
  } finally {
    process.chdir(previous);
  }
}

function writePrograms(programs: Map<string, string>): string[] {
  return [...programs].map(([path, text]) => {
    const absolute = join(ROOT, path);
    mkdirSync(join(absolute, ".."), { recursive: true });
    writeFileSync(absolute, text);
    return absolute;
  });
}

const outDir = relative(ROOT, join(SCRATCH, "out"));

describe("generated programs", () => {
  it("match the golden files for iris and mnist", async () => {
    for (const sample of ["iris", "mnist"]) {
      const programs = await compileFile(`samples/${sample}.dlm`, "out");
      const text = programs.get(join("out", `${sample}.ts`));
      const golden = join(ROOT, "test", "compiler", "golden", `${sample}.ts.txt`);
      if (process.env["UPDATE_BASELINES"]) writeFileSync(golden, text ?? "");
      expect(text).toBe(readFileSync(golden, "utf8"));
    }
  });

  it("type-check with tsc --strict against the real runtime types, for every sample", async () => {
    const samples = readdirSync(join(ROOT, "samples")).filter((file) => file.endsWith(".dlm"));
    const files: string[] = [];
    for (const sample of samples) files.push(...writePrograms(await compileFile(`samples/${sample}`, outDir)));
    expect(files.length).toBeGreaterThanOrEqual(samples.length);
    const result = typeCheckFiles(files, SCRATCH);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  }, 120_000);

  it("keep hostile strings as data: the program type-checks and behaves as written", async () => {
    // names full of quotes, backslashes, template syntax and a line separator; the export path also
    // holds `*/`, which on disk is a folder boundary
    const hostile = 'q"uote \\back ${process.exit(9)} `tick` end\u2028sep';
    const dir = join(SCRATCH, "hostile");
    mkdirSync(dir, { recursive: true });
    const rows = Array.from({ length: 40 }, (_, i) => `${i / 40},${(i * 7) % 5},${(2 * i) / 40 + 1}`);
    writeFileSync(join(dir, `${hostile}.csv`), ["a,b,target", ...rows].join("\n") + "\n");
    const escaped = hostile.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace("\u2028", "\\u{2028}");
    const source = `experiment hostile {
  data { source: csv("${escaped}.csv", label: target), split { train: 0.8, test: 0.2 } }
  model { dense(1) }
  train { loss: mse, epochs: 1, batch_size: 8, metrics: [mae] }
  export: "exports/${escaped} */ ${escaped}"
}
`;
    const file = join(relative(ROOT, dir), "hostile.dlm");
    writeFileSync(join(ROOT, file), source);
    const out = relative(ROOT, join(dir, "out"));
    const programs = await compileFile(file, out);
    const [program] = writePrograms(programs);
    expect(program).toBeDefined();
    const text = readFileSync(program!, "utf8");
    expect(text).not.toMatch(/\u2028/);
    expect(typeCheckFiles([program!], SCRATCH).output).toBe("");
    const run = spawnSync(process.execPath, ["--import", "tsx", program!, "--backend", "cpu", "--out", join(dir, "runs"), "--quiet"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readdirSync(join(dir, "exports"))).toEqual([`${hostile} *`]);
    expect(readdirSync(join(dir, "exports", `${hostile} *`))).toEqual([` ${hostile}`]);
  }, 120_000);

  it("string literals round-trip any string exactly", () => {
    const samples = ['plain', 'q"uote', "back\\slash", "${template}", "`tick`", "*/ end", "line\nbreak", "\u2028\u2029", "emoji 😀", "\u0000nul"];
    for (const value of samples) {
      const literal = stringLiteral(value);
      expect(literal).not.toMatch(/[\n\r\u2028\u2029]/);
      expect(JSON.parse(literal.replace(/\\u\{([0-9a-f]+)\}/g, (_, hex: string) => {
        const code = parseInt(hex, 16);
        return JSON.stringify(String.fromCodePoint(code)).slice(1, -1);
      }))).toBe(value);
    }
  });

  it("derive program file names from sanitised experiment names only", () => {
    expect(programFileName("mnist")).toBe("mnist.ts");
    expect(programFileName("../../etc/passwd")).not.toContain("/");
    expect(programFileName("-rf")).toBe("experiment-rf.ts");
  });
});

/**
 * Bounded work on any input: `dlm check` and `dlm compile` read only regular files, with the
 * size limit stated in the error. A FIFO, `/dev/zero` or a folder named as a `.dlm`, an import,
 * a CSV or a model.json is refused with its path at once (before, a FIFO blocked forever and
 * `/dev/zero` grew the process until it died).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeCompilerHost, inMemoryCompilerHost, type CompilerHost } from "../../compiler/host.js";
import { MESSAGES } from "../../diagnostics/catalog/index.js";
import { checkProgram } from "../../compiler/program.js";
import { MAX_SOURCE_BYTES, readBoundedTextFile } from "../../compiler/source-limits.js";
import { MAX_CSV_CHECK_BYTES } from "../../runtime/data/csv.js";
import { makeScratch, runDlm, STACK_TRACE } from "./runs/scratch.js";

const scratch = makeScratch("inputs-bounded");
/** Long enough for a check, far shorter than reading /dev/zero until memory runs out. */
const TIMEOUT_MS = 30_000;

function fifo(name: string): string {
  const file = join(scratch, name);
  execFileSync("mkfifo", [file]);
  return file;
}

const EXPERIMENT = (
  source: string,
  model = "dense(8, activation: relu) dense(2, activation: softmax)",
) => `experiment e {
  data { source: ${source} split { train: 0.75, test: 0.25 } }
  model { ${model} }
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}
`;

/** Runs `dlm check FILE` in the scratch folder; it must end by itself, without a stack trace. */
function check(file: string) {
  const result = runDlm(scratch, ["check", file], TIMEOUT_MS);
  expect(result.status, `dlm check ${file} did not end by itself:\n${result.stderr}`).not.toBeNull();
  expect(result.stderr).not.toMatch(STACK_TRACE);
  return result;
}

describe("the .dlm files named on the command line", () => {
  it("a FIFO, /dev/zero and a folder are refused with their path and kind", () => {
    fifo("pipe.dlm");
    mkdirSync(join(scratch, "folder.dlm"));
    const cases: [string, RegExp][] = [
      ["pipe.dlm", /^error: cannot read `pipe\.dlm`: it is a FIFO \(named pipe\), not a regular file$/m],
      ["/dev/zero", /^error: cannot read `\/dev\/zero`: it is a character device, not a regular file$/m],
      ["folder.dlm", /^error: cannot read `folder\.dlm`: it is a directory, not a regular file$/m],
    ];
    for (const [file, message] of cases) {
      for (const command of ["check", "compile"]) {
        const result = runDlm(scratch, [command, file], TIMEOUT_MS);
        expect(result.status, `${command} ${file}`).toBe(2);
        expect(result.stderr).toMatch(message);
      }
    }
  });

  it("a .dlm over 16 MB is refused, the limit stated", () => {
    const file = join(scratch, "huge.dlm");
    writeFileSync(file, "");
    truncateSync(file, MAX_SOURCE_BYTES + 1);
    const result = runDlm(scratch, ["check", "huge.dlm"], TIMEOUT_MS);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      "error: cannot read `huge.dlm`: it is larger than 16 MB, the most DLM reads from such a file",
    );
  });
});

describe("files a program names", () => {
  it("`import` of /dev/zero, a FIFO or a folder is DLM525 on the path literal", () => {
    fifo("blocks-pipe.dlm");
    mkdirSync(join(scratch, "blocks-folder.dlm"));
    for (const [target, kind] of [
      ["/dev/zero", "a character device"],
      ["blocks-pipe.dlm", "a FIFO (named pipe)"],
      ["blocks-folder.dlm", "a directory"],
    ] as const) {
      const name = `imports-${kind.length}.dlm`;
      writeFileSync(join(scratch, name), `import "${target}"\nmodel M(input: [4]) { dense(2) }\n`);
      const { stderr, status } = check(name);
      expect(status).toBe(1);
      expect(stderr).toContain(`error[DLM525]: cannot read \`${target}\`: it is ${kind}, not a regular file`);
      expect(stderr).toContain(`--> ${name}:1:8`);
    }
  });

  it("`csv(...)` of /dev/zero, a FIFO or a folder is DLM525 on the path", () => {
    fifo("data-pipe.csv");
    mkdirSync(join(scratch, "data-folder.csv"));
    for (const [target, kind] of [
      ["/dev/zero", "a character device"],
      ["data-pipe.csv", "a FIFO (named pipe)"],
      ["data-folder.csv", "a directory"],
    ] as const) {
      const name = `csv-${kind.length}.dlm`;
      writeFileSync(join(scratch, name), EXPERIMENT(`csv("${target}", label: y)`));
      const { stderr, status } = check(name);
      expect(status).toBe(1);
      expect(stderr).toMatch(
        new RegExp(
          `error\\[DLM525\\]: cannot read \`[^\`]*${target.replace(/[./]/g, "\\$&")}\`: it is ${kind.replace(/[()]/g, "\\$&")}, not a regular file`,
        ),
      );
      expect(stderr).toContain(`--> ${name}:2:22`);
    }
  });

  it("`pretrained(...)` of /dev/zero or a FIFO says what the path is", () => {
    fifo("model-pipe.json");
    for (const [target, kind] of [
      ["/dev/zero", "a character device"],
      ["model-pipe.json", "a FIFO (named pipe)"],
    ] as const) {
      const name = `pretrained-${kind.length}.dlm`;
      writeFileSync(join(scratch, name), `model M(input: [4]) {\n  pretrained("${target}")\n  dense(2)\n}\n`);
      const { stderr, status } = check(name);
      expect(status).toBe(1);
      expect(stderr).toContain(`it is ${kind}, not a regular file`);
      expect(stderr).toContain(`--> ${name}:2:`);
    }
  });

  it("a CSV over the check's cap is read only up to it: DLM526 states the cap, and the rows before it are checked", () => {
    // Numbers in a numeric column up to the cap, then a word: beyond the cap, it is not read.
    const row = "1.5,2.5,a\n";
    const rows = 2 * Math.ceil(MAX_CSV_CHECK_BYTES / row.length / 2) + 10;
    writeFileSync(
      join(scratch, "big.csv"),
      "x1,x2,y\n" + row.repeat(rows / 2) + "3.5,4.5,b\n".repeat(rows / 2) + "oops,1,a\n",
    );
    writeFileSync(join(scratch, "big.dlm"), EXPERIMENT('csv("big.csv", label: y)'));
    const { stderr, status } = check("big.dlm");
    expect(stderr).toContain('warning[DLM526]: "big.csv" is larger than 4 MB: only its first 4 MB were checked');
    expect(stderr).not.toContain("DLM512");
    expect(status).toBe(0);
  });
});

describe("readBoundedTextFile and the compiler host", () => {
  it("never reads past the limit, even from a file that reports size 0", () => {
    expect(readBoundedTextFile("/proc/self/status", 16)).toEqual({ kind: "too-large", limitBytes: 16 });
    expect(readBoundedTextFile("/dev/zero")).toEqual({ kind: "not-a-file", what: "a character device" });
    expect(readBoundedTextFile(join(scratch, "no-such-file.dlm"))).toEqual({ kind: "missing" });
  });

  it("a prefix read ends at a line break, never inside a character", () => {
    const file = join(scratch, "accents.csv");
    writeFileSync(file, "é,é\n".repeat(10));
    const read = readBoundedTextFile(file, 14, { prefix: true });
    expect(read).toEqual({ kind: "text", text: "é,é\n".repeat(2), truncated: true });
  });

  it("a host that replaces readFile for some files is still obeyed (the language server's open documents)", () => {
    const node = nodeCompilerHost();
    const file = join(scratch, "open.dlm");
    const host: CompilerHost = {
      ...node,
      readFile: (path) => (path === file ? 'import "/dev/zero"\n' : node.readFile(path)),
    };
    const result = checkProgram([file], host);
    expect(result.diagnostics.map((d) => [d.code, d.range.start])).toEqual([["DLM525", 7]]);
  });

  it("the DLM525 and DLM526 catalog snippets: the wrong one reports the code, the fixed one does not", () => {
    const measurements = "a,b,species\n" + "1,2,x\n3,4,y\n5,6,z\n".repeat(20);
    const huge = "a,b,species\n" + "1,2,x\n3,4,y\n5,6,z\n".repeat(Math.ceil(MAX_CSV_CHECK_BYTES / 18));
    const memory = inMemoryCompilerHost({ "measurements.csv": measurements, "huge.csv": huge });
    const node = nodeCompilerHost();
    const host: CompilerHost = { ...memory, readBoundedFile: node.readBoundedFile };
    for (const code of ["DLM525", "DLM526"]) {
      const entry = MESSAGES.get(code)!;
      const codes = (text: string) =>
        checkProgram(["main.dlm"], {
          ...host,
          readFile: (path) => (path === "main.dlm" ? text : memory.readFile(path)),
        }).diagnostics.map((d) => d.code);
      expect(codes(entry.wrong)).toContain(code);
      expect(codes(entry.fixed)).toEqual([]);
    }
  });
});

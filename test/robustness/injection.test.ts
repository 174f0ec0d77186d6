/**
 * Injection: whatever a `.dlm` file holds — quotes, backslashes, `${…}`, backticks, comment
 * delimiters, line separators, 100,000-character strings, emoji — its names, strings and
 * paths reach the generated program as data (string literals, sanitised comments and file
 * names), never as code. Each hostile program is read with the TypeScript scanner and
 * parser, compared with the same program built from harmless strings, and type-checked.
 */
import * as tf from "@tensorflow/tfjs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitExperiment, programFileName } from "../../compiler/emitter.js";
import { inMemoryCompilerHost, nodeCompilerHost } from "../../compiler/host.js";
import { checkProgram } from "../../compiler/program.js";
import { codeOutsideLiterals, identifiersOf, stringLiteralValues, syntaxErrorsOf } from "./generated-code.js";
import type { EmittedProgram } from "./mutant-properties.js";
import { makeScratchFolder, typeCheckPrograms } from "./type-check-programs.js";

/** Every hostile value carries this marker; it must never appear in code. */
const MARKER = "PWN";
const ATTACK = "globalThis.attack(7)";

const HOSTILE_STRINGS: readonly (readonly [string, string])[] = [
  ["double quotes", `${MARKER}" + ${ATTACK} + "${MARKER}`],
  ["a backslash before a quote", `${MARKER}\\" + ${ATTACK} + \\"${MARKER}`],
  ["template literal syntax", `${MARKER}\${${ATTACK}}${MARKER}`],
  ["backticks", `${MARKER}\` + ${ATTACK} + \`${MARKER}`],
  ["block comment delimiters", `${MARKER} */ ${ATTACK} /* ${MARKER}`],
  ["a line comment", `${MARKER} // ${MARKER}`],
  ["unicode line separators", `${MARKER}\u2028${ATTACK}\u2029${MARKER}`],
  ["newlines and carriage returns", `${MARKER}\n${ATTACK}\r${MARKER}`],
  ["emoji and astral characters", `${MARKER} 😀🧪 𝔘 ${MARKER}`],
  ["100,000 characters", `${MARKER}${"x".repeat(100_000)}${MARKER}`],
];
/** All of the short ones in one string: the programs tsc checks (one tsc run costs seconds, one more program little). */
const EVERYTHING = HOSTILE_STRINGS.filter(([label]) => !label.startsWith("100,000")).map(([, value]) => value).join(" ");

/** A DLM string literal for any value (the language's escapes: `\"`, `\\`, `\n`, `\t`, `\u{…}`). */
function dlmString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x2028 || code === 0x2029) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}

/** A CSV field, quoted the CSV way. */
function csvField(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

let pretrainedJson = "";

beforeAll(async () => {
  const base = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4], name: "hidden" }), tf.layers.dense({ units: 4, name: "features" })] });
  await base.save(
    tf.io.withSaveHandler(async (artifacts) => {
      pretrainedJson = JSON.stringify({ modelTopology: artifacts.modelTopology, format: "layers-model" });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
});

const ROOT_FILE = "project/main.dlm";

/**
 * A project whose strings are all `value`: the CSV's path, a column name and a class label,
 * callback paths, the report path, the export folder and a `pretrained` path.
 */
function projectWithStrings(value: string): Record<string, string> {
  const host = inMemoryCompilerHost({});
  const csvPath = host.resolve(ROOT_FILE, `${value}.csv`);
  const modelPath = host.resolve(ROOT_FILE, `${value}-base/model.json`);
  const rows = Array.from({ length: 40 }, (_, i) => `${i / 40},${(i * 7) % 5},${csvField(i % 2 === 0 ? value : "plain")}`);
  const source = `experiment table {
  data {
    source: csv(${dlmString(`${value}.csv`)}, label: "label", features: ["a", ${dlmString(value)}])
    classes: [${dlmString(value)}, "plain"]
    split { train: 0.6, validation: 0.2, test: 0.2 }
  }
  model { dense(2, activation: softmax) }
  train {
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 1
    callbacks {
      model_checkpoint(${dlmString(`${value}-checkpoints/best`)})
      csv_logger(${dlmString(`${value}.csv.log`)})
    }
  }
  evaluate { on: test, metrics: [accuracy], report: ${dlmString(`${value}.html`)} }
  export: ${dlmString(value)}
}

experiment transfer {
  data { source: builtin("iris") }
  model {
    pretrained(${dlmString(`${value}-base/model.json`)}, until: features)
    dense(3, activation: softmax)
  }
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}
`;
  return {
    [ROOT_FILE]: source,
    [csvPath]: [`a,${csvField(value)},label`, ...rows].join("\n") + "\n",
    [modelPath]: pretrainedJson,
  };
}

/**
 * Checks a project held in memory and emits every experiment; the check must be clean but for
 * DLM527 (an output path with a control character or a part over 255 bytes cannot name a
 * file), which leaves the plan to emit: the program must keep such strings as data too.
 */
function compileProject(files: Record<string, string>, rootFile = ROOT_FILE): EmittedProgram[] {
  const result = checkProgram([rootFile], inMemoryCompilerHost(files));
  expect(result.diagnostics.filter((d) => d.severity === "error" && d.code !== "DLM527").map((d) => `${d.code} ${d.message.slice(0, 300)}`)).toEqual([]);
  expect(result.plans.length).toBeGreaterThan(0);
  return result.plans.map((plan) => {
    const emitted = emitExperiment(plan, { outDir: "out", sourceText: (file) => result.files.get(file)?.text });
    return { fileName: path.basename(emitted.path), text: emitted.text, source: files[rootFile] ?? "" };
  });
}

/** Asserts the program parses and holds `MARKER` and the attack only inside string literals or comments. */
function expectInert(program: string): void {
  expect(syntaxErrorsOf(program)).toEqual([]);
  const code = codeOutsideLiterals(program);
  expect(code).not.toContain(MARKER);
  expect(code).not.toContain("attack");
  // Raw line separators would end a `//` comment in some readers; the emitter escapes them everywhere.
  expect(program).not.toMatch(/[\u2028\u2029]/);
}

const scratch = makeScratchFolder("injection-");
afterAll(() => scratch.remove());
/** Hostile programs, type-checked together at the end (one tsc run). */
const hostilePrograms: EmittedProgram[] = [];

describe("strings and paths from a .dlm file stay data", () => {
  const harmless = () => compileProject(projectWithStrings("harmless"));

  for (const [label, value] of [...HOSTILE_STRINGS, ["all of them at once", EVERYTHING] as const]) {
    it(`${label}: only inside string literals, added no identifier, round-trips exactly`, () => {
      const programs = compileProject(projectWithStrings(value));
      const baseline = new Map(harmless().map((program) => [program.fileName, identifiersOf(program.text)]));
      for (const program of programs) {
        expectInert(program.text);
        const allowed = baseline.get(program.fileName);
        expect(allowed).toBeDefined();
        expect([...identifiersOf(program.text)].filter((name) => !allowed!.has(name))).toEqual([]);
      }
      const [table, transfer] = programs;
      const tableValues = stringLiteralValues(table!.text);
      expect(tableValues).toContain(value);
      expect(tableValues).toContain(`${value}.csv`);
      expect(tableValues).toContain(`${value}-checkpoints/best`);
      expect(tableValues).toContain(`${value}.html`);
      expect(stringLiteralValues(transfer!.text)).toContain(`${value}-base/model.json`);
      if (value === EVERYTHING || value.length > 100_000) hostilePrograms.push(...programs);
    });
  }
});

describe("names from a .dlm file stay data", () => {
  /** Names that mean something in the generated program or in JavaScript. */
  const NAMES = [
    "loadPretrained", "runExperiment", "fileURLToPath", "buildModel", "main", "dlmDir", "inputs", "x", "tf", "path",
    "hyperparameters", "Number", "Boolean", "Promise", "URL", "process", "constructor", "__proto__", "prototype", "toString",
    "eval", "arguments", "undefined", "NaN", "await", "yield", "let", "static", "enum", "async", "of", "_", "__dirname",
  ];

  it("as layer names (variables of `pretrained` models) and experiment names, only rename variables and fill string literals", () => {
    const layers = NAMES.map((name) => `  ${name} = pretrained("base/model.json", until: features)`).join("\n");
    const experiments = NAMES.map(
      (name) => `experiment ${name} {\n  data { source: builtin("iris") }\n  model { dense(3, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}`,
    );
    // Searched layer arguments make the program call `Number(…)` and `Boolean(…)` beside the shadowing variables.
    const tuned = `experiment tuned {
  data { source: builtin("iris"), split { train: 0.6, validation: 0.2, test: 0.2 } }
  model: Shadows
  train { loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 1 }
  tune { trials: 2, objective: val_accuracy, strategy: grid }
}`;
    const files: Record<string, string> = {
      "project/base/model.json": pretrainedJson,
      [ROOT_FILE]: `model Shadows {\n${layers}\n  dense(choice(8, 16), use_bias: choice(true, false))\n  dense(3, activation: softmax)\n}\n\n${tuned}\n\n${experiments.join("\n\n")}\n`,
    };
    const [shadows, ...named] = compileProject(files);
    expect(shadows!.fileName).toBe("tuned.ts");
    expect(syntaxErrorsOf(shadows!.text)).toEqual([]);
    expect(codeOutsideLiterals(shadows!.text)).toMatch(/Number \(/);
    expect(named.map((program) => program.fileName)).toEqual(NAMES.map(programFileName));
    const [first] = named;
    for (const [index, program] of named.entries()) {
      expect(syntaxErrorsOf(program.text)).toEqual([]);
      expect(stringLiteralValues(program.text)).toContain(NAMES[index]);
      // An experiment's name adds no identifier: every program is the first one with other strings.
      expect(identifiersOf(program.text)).toEqual(identifiersOf(first!.text));
    }
    hostilePrograms.push(shadows!, first!);
  });
});

describe("file names and comments", () => {
  it("generated file names come from sanitised experiment names and stay inside the output folder", () => {
    const hostile = ["../../etc/passwd", "a/b\\c", "..", "", "-rf", "con", "😀", "x".repeat(1000), "a\u0000b", "$(rm -rf ~)", "name with spaces"];
    for (const name of hostile) {
      const fileName = programFileName(name);
      expect(fileName).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,109}\.ts$/);
      expect(path.join("out", fileName).startsWith(`out${path.sep}`)).toBe(true);
      expect(path.dirname(path.join("out", fileName))).toBe("out");
    }
  });

  it("a path holding a newline or line separator cannot end the comments that name it", () => {
    // The .dlm file's own path appears in the header and beside every layer (file:line comments).
    const file = `project/evil\n${ATTACK}\u2028${MARKER}.dlm`;
    const files = {
      [file]: 'experiment e {\n  data { source: builtin("iris") }\n  model { dense(3, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n',
    };
    const [program] = compileProject(files, file);
    expectInert(program!.text);
  });

  it("a layer call's source text in a comment cannot close the comment", () => {
    const value = `${MARKER} */ ${ATTACK} /* ${MARKER}\u2028${ATTACK}`;
    const [, transfer] = compileProject(projectWithStrings(value));
    expect(transfer!.text).toContain("pretrained(");
    expectInert(transfer!.text);
  });
});

describe("an import of a missing file outside the project", () => {
  it("is reported as DLM211 with the path that was looked for", () => {
    const host = nodeCompilerHost();
    const scratchFile = path.join(scratch.dir, "main.dlm");
    for (const spec of ["../../../../outside-the-project/blocks.dlm", "/nonexistent-dlm-folder/blocks.dlm"]) {
      const text = `import ${dlmString(spec)}\nmodel M(input: [4]) { dense(1) }\n`;
      const result = checkProgram([scratchFile], { ...host, readFile: (file) => (file === scratchFile ? text : host.readFile(file)) });
      const resolved = host.resolve(scratchFile, spec);
      expect(result.diagnostics.map((d) => [d.code, d.severity, text.slice(d.range.start, d.range.end)])).toEqual([["DLM211", "error", dlmString(spec)]]);
      expect(result.diagnostics[0]!.message).toBe(`cannot find imported file \`${spec}\` (looked for ${resolved})`);
      expect(path.isAbsolute(resolved)).toBe(true);
    }
  });
});

describe("every hostile program", () => {
  it("type-checks with tsc --strict", async () => {
    expect(hostilePrograms.map((program) => program.fileName)).toEqual(["table.ts", "transfer.ts", "table.ts", "transfer.ts", "tuned.ts", "loadPretrained.ts"]);
    const outcome = await typeCheckPrograms(hostilePrograms, scratch.dir);
    expect(outcome.output).toBe("");
    expect(outcome.status).toBe(0);
  }, 120_000);
});

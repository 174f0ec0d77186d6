/**
 * Front-end throughput on a generated 10,000-line `.dlm` file, in lines per second:
 *
 *   - `parseDlm`: lex + parse + AST + diagnostics, what the compiler and the editor run;
 *   - raw Chevrotain: lex + CST only, the floor the grammar itself costs;
 *   - lex only.
 *
 *   npx tsx bench/parse.ts
 *
 * Each figure is the median of 5 timed runs after one warm-up run. Besides wall-clock
 * time it reports this process's CPU time, which other processes on a shared machine
 * disturb less. (Under `tsx`, esbuild's name-keeping helper adds a little to every
 * closure the grammar creates; compiled JavaScript is somewhat faster.)
 */
import { lexDlm } from "../grammar/lexer.js";
import { parseDlm } from "../grammar/parse.js";
import { dlmParser } from "../grammar/parser.js";
import { medianTiming, timeCall, type Timing } from "./measure.js";

const TARGET_LINES = 10_000;
const RUNS = 5;

/** One model and one experiment in the style of the samples, with unique names. */
function declarations(index: number): string {
  return `/// Network ${index}.
model Net${index}(input: [28, 28, 1]) {
  conv2d(32, 3, activation: relu, padding: same)
  max_pool2d(2)
  residual { conv2d(32, 3, padding: same); batch_norm }
  repeat 2 { dense(64, activation: relu) dropout(0.25) }
  flatten
  features = dense(128, activation: relu, l2: 1e-4)
  dense(10, activation: softmax)
}

experiment run${index} {
  seed: ${index}
  data {
    source: builtin("mnist")
    split { validation: 0.1, test: 0.1 }
    normalize: scale(1 / 255)
    augment { rotate(10) translate(2) }
  }
  model: Net${index}
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: categorical_crossentropy
    metrics: [accuracy, f1]
    epochs: 12
    batch_size: 128
    class_weight: { 0: 2.0, 1: 1.0 }
    callbacks {
      early_stopping(monitor: val_loss, patience: 3, restore_best_weights: true)
      model_checkpoint("runs/${index}/best", monitor: val_accuracy)
    }
  }
  evaluate { on: test, metrics: [accuracy, precision, recall], report: "runs/${index}/report.html" }
  export: "runs/${index}/model"
}

`;
}

function generateSource(): { text: string; lines: number } {
  const parts: string[] = [];
  let lines = 0;
  for (let index = 0; lines < TARGET_LINES; index++) {
    const part = declarations(index);
    parts.push(part);
    lines += part.split("\n").length - 1;
  }
  return { text: parts.join(""), lines };
}

/** Median timing of `RUNS` runs after one warm-up run (JIT and the parser's lookahead caches). */
function measure(run: () => void): Timing {
  run();
  return medianTiming(Array.from({ length: RUNS }, () => timeCall(run)));
}

function main(): void {
  const { text, lines } = generateSource();
  const check = parseDlm(text, "bench.dlm");
  if (check.diagnostics.length > 0) throw new Error(`generated source has errors: ${check.diagnostics[0]!.message}`);

  const scenarios: [string, () => void][] = [
    ["parseDlm (lex + parse + AST + diagnostics)", () => void parseDlm(text, "bench.dlm")],
    [
      "raw Chevrotain (lex + CST)",
      () => {
        dlmParser.input = lexDlm(text).tokens;
        dlmParser.file();
      },
    ],
    ["lex only", () => void lexDlm(text)],
  ];

  console.log(
    `${lines} lines, ${(text.length / 1024).toFixed(0)} KiB, ${lexDlm(text).tokens.length} tokens; median of ${RUNS}`,
  );
  for (const [label, run] of scenarios) {
    const { wallMs, cpuMs } = measure(run);
    const perSecond = (ms: number): string => Math.round((lines / ms) * 1000).toLocaleString("en-US");
    console.log(
      `${label.padEnd(44)} ${wallMs.toFixed(1).padStart(8)} ms  ${perSecond(wallMs).padStart(9)} lines/s` +
        `  (cpu ${cpuMs.toFixed(1)} ms, ${perSecond(cpuMs)} lines/s)`,
    );
  }
}

main();

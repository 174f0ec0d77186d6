/** Catalog of the output path checks: where an experiment may write, and what it may replace there. */
import type { MessageEntry } from "./catalog-entry.js";

/** An iris experiment whose export (or other output) goes to `exportPath`. */
function irisExport(exportLine: string, callbacks = ""): string {
  return (
    "experiment iris {\n" +
    '  data { source: builtin("iris"), split { train: 0.8, test: 0.2 } }\n' +
    "  model { dense(8, activation: relu), dense(3, activation: softmax) }\n" +
    (callbacks === ""
      ? "  train { loss: sparse_categorical_crossentropy, epochs: 5 }\n"
      : `  train {\n    loss: sparse_categorical_crossentropy\n    epochs: 5\n    callbacks { ${callbacks} }\n  }\n`) +
    `  ${exportLine}\n` +
    "}"
  );
}

/** The outputs codes by meaning, so code reads `OUTPUTS.outputOverwritesInput`, not `"DLM520"`. */
export const OUTPUTS = {
  outputOverwritesInput: "DLM520",
  outputClimbsOut: "DLM521",
  outputHoldsForeignFiles: "DLM522",
  outputsOverlap: "DLM523",
} as const;

/** One entry per code of the output path checks: what `dlm explain CODE` prints. */
export const OUTPUT_MESSAGES: readonly MessageEntry[] = [
  {
    code: OUTPUTS.outputOverwritesInput,
    title: "output path would overwrite an input",
    severity: "error",
    explanation:
      "An output of an experiment (`export`, a `model_checkpoint` or `csv_logger` path, the " +
      "`evaluate` report and a Markdown report's charts) must have a place of its own. Writing " +
      "a bundle replaces a whole folder and a log or report replaces a file, so an output path " +
      "that is the `.dlm` file, a file it imports, the data source of any experiment of the " +
      "program, a pretrained model's folder, the run folders (`runs/`), the `.dlm` file's own " +
      'folder (`export: "."`) or a folder holding any of them is refused. An `export` or ' +
      "`model_checkpoint` may be exactly the folder another experiment's `pretrained(...)` " +
      "reads (that experiment makes it); never a model the experiment itself reads. The " +
      "message names the input the path would overwrite. `dlm run` checks again before it trains.",
    wrong: irisExport('export: "."'),
    fixed: irisExport('export: "exports/iris"'),
  },
  {
    code: OUTPUTS.outputClimbsOut,
    title: "relative output path climbs out of the project",
    severity: "error",
    explanation:
      "Relative paths resolve against the `.dlm` file's folder. An output path that climbs out " +
      'of it with `..` (`"../../x.csv"`) writes into folders nobody reading the file would ' +
      "expect — a downloaded `.dlm` could aim it at anything. The same holds with symbolic " +
      "links followed: a link in the project (`ckpt -> ../elsewhere`) does not lead a relative " +
      "output out of it. Keep outputs below the `.dlm` " +
      "file's folder, or write an absolute path when you do mean a place outside it.",
    wrong: irisExport('export: "exports/iris"', 'csv_logger("../../history.csv")'),
    fixed: irisExport('export: "exports/iris"', 'csv_logger("logs/history.csv")'),
  },
  {
    code: OUTPUTS.outputHoldsForeignFiles,
    title: "output path holds something DLM did not write",
    severity: "error",
    explanation:
      "DLM replaces only what it can prove it wrote: an export or checkpoint folder holding " +
      'only bundle files and DLM\'s marker `.dlm-bundle.json` (`"writtenBy": "dlm"` and the ' +
      "folder's own name), or a log, report or chart whose SHA-256 the ledger " +
      "`.dlm-outputs.json` beside it records. Anything else at an output path — a plain TF.js " +
      "model folder, a data folder, a CSV of yours that happens to begin with `epoch`, a file " +
      "you edited since DLM wrote it, a folder with your notes in it — is refused with its path and the reason, and nothing is " +
      "deleted. `dlm check` reads the disk for this; `dlm run` checks again before training. " +
      "Move the thing away or choose another path.",
    wrong: "// exports/iris is a folder of your own photos\n" + irisExport('export: "exports/iris"'),
    fixed:
      "// exports/iris does not exist yet, or holds a bundle DLM exported\n" + irisExport('export: "exports/iris"'),
  },
  {
    code: OUTPUTS.outputsOverlap,
    title: "two outputs overlap",
    severity: "error",
    explanation:
      "Two outputs of one experiment name the same path, or one lies inside the other's " +
      "folder (a `csv_logger` file inside the export folder, or at a chart a Markdown report " +
      "writes beside it). The second write would replace " +
      "the first, or leave a file in a bundle folder that DLM then refuses to replace. Give " +
      "each output a path of its own.",
    wrong: irisExport('export: "exports/iris"', 'csv_logger("exports/iris/history.csv")'),
    fixed: irisExport('export: "exports/iris"', 'csv_logger("logs/iris.csv")'),
  },
];

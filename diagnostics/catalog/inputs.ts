/** Catalog of the limits on the files a program names: only regular files are read, and only so much of them. */
import type { MessageEntry } from "./catalog-entry.js";

/** A classifier of `measurements.csv` whose source is `path`. */
function csvExperiment(path: string): string {
  return (
    `experiment measurements {\n  data { source: csv("${path}", label: species) }\n` +
    "  model { dense(8, activation: relu), dense(3, activation: softmax) }\n" +
    "  train { loss: sparse_categorical_crossentropy, epochs: 10 }\n}"
  );
}

/** An iris classifier exported to `path` (as written in the `.dlm` string, escapes and all). */
function exportingExperiment(path: string): string {
  return (
    `experiment iris {\n  data { source: builtin("iris") }\n` +
    "  model { dense(8, activation: relu), dense(3, activation: softmax) }\n" +
    `  train { loss: sparse_categorical_crossentropy, epochs: 10 }\n  export: "${path}"\n}`
  );
}

/** The inputs codes by meaning, so code reads `INPUTS.notARegularFile`, not `"DLM525"`. */
export const INPUTS = {
  notARegularFile: "DLM525",
  largeCsvPartlyChecked: "DLM526",
  outputCannotNameFile: "DLM527",
} as const;

/** One entry per code of the input limits: what `dlm explain CODE` prints. */
export const INPUT_MESSAGES: readonly MessageEntry[] = [
  {
    code: INPUTS.notARegularFile,
    title: "file is not a regular file or is too large",
    severity: "error",
    explanation:
      "`dlm check`, `dlm compile`, `dlm run` and the language server read only regular files, " +
      "and only so much of them: an imported `.dlm` file of at most 16 MB, a `pretrained` " +
      "model.json of at most 64 MB, the first 4 MB of a CSV file. A path that names a " +
      "directory, a named pipe (FIFO), a device such as `/dev/zero` or a socket is refused " +
      "before anything is read from it, because reading it could block forever or fill the " +
      "memory. The message names the path, what it is and the limit. Name the file itself.",
    wrong: csvExperiment("/dev/zero"),
    fixed: csvExperiment("measurements.csv"),
  },
  {
    code: INPUTS.largeCsvPartlyChecked,
    title: "only the start of a large CSV file was checked",
    severity: "warning",
    explanation:
      "`dlm check` reads at most the first 4 MB of a CSV file (its complete lines within " +
      "them) to check the header, the columns and their values, so checking stays quick and " +
      "small on any file. Values further down are read only when training prepares the data, " +
      "so a mistake there stops `dlm run` instead of being reported here. Split the file, or " +
      "accept the warning.",
    wrong: csvExperiment("huge.csv") + "\n\n// huge.csv holds 100 MB of rows",
    fixed: csvExperiment("measurements.csv") + "\n\n// measurements.csv holds 150 rows",
  },
  {
    code: INPUTS.outputCannotNameFile,
    title: "output path cannot name a file",
    severity: "error",
    explanation:
      "An output path (`export`, `model_checkpoint`, `csv_logger`, `report`) becomes a file or " +
      "folder name, and DLM prints it. A control character in it (ESC, BEL, a newline, written " +
      "raw or as `\\u{1B}`) would put terminal commands into a file name and into DLM's output, " +
      "and a part of the path longer than 255 bytes is more than a file name may hold on " +
      "common file systems. Both are refused on the path literal, before anything is written. " +
      "Write the path with ordinary characters, each part at most 255 bytes.",
    wrong: exportingExperiment("exports/iris\\u{1B}[2J"),
    fixed: exportingExperiment("exports/iris"),
  },
];

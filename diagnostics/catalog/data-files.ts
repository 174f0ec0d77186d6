/** Catalog of the checks of a data file's contents: what `dlm check` reads in a CSV file beyond its header. */
import type { MessageEntry } from "./catalog-entry.js";

/** A regression experiment on `houses.csv`, below a comment that shows the file's line 7. */
function houses(line7: string): string {
  return (
    `// houses.csv holds 20 rows of size,rooms,price; line 7 reads: ${line7}\n` +
    'experiment houses {\n  data { source: csv("houses.csv", label: price) }\n  model { dense(8, activation: relu), dense(1) }\n  train { loss: mse, epochs: 10 }\n}'
  );
}

/** The data-files codes by meaning, so code reads `DATA_FILES.notANumber`, not `"DLM512"`. */
export const DATA_FILES = {
  notANumber: "DLM512",
  outsideFloat32: "DLM513",
} as const;

/** One entry per code of the data file checks: what `dlm explain CODE` prints. */
export const DATA_FILE_MESSAGES: readonly MessageEntry[] = [
  {
    code: DATA_FILES.notANumber,
    title: "value is not a number",
    severity: "error",
    explanation:
      "A CSV column whose values are nearly all numbers (at least nine in ten) is read as " +
      "numbers: a feature fed to the model as it is, a label read as a class id or a target. " +
      "A value in it that is not a number (a typo, `three`, a unit such as `12kg`, `1,200` " +
      "with a thousands separator) would stop `dlm run` while it prepares the data, or make a " +
      "`window` target train on NaN. The message names the file's line, the column and the " +
      "value; a note lists each such column's values that are not numbers. Empty cells and " +
      "`na`, `n/a`, `nan`, `null`, `?` are missing values instead, handled by `missing` " +
      "(DLM510). A column with more values that are not numbers is a categorical one, " +
      "one-hot encoded, and any value is then a category.",
    wrong: houses("70,three,250.25"),
    fixed: houses("70,3,250.25"),
  },
  {
    code: DATA_FILES.outsideFloat32,
    title: "number outside the float32 range",
    severity: "error",
    explanation:
      "Models compute in float32, whose largest finite value is about 3.4e38. A CSV value " +
      "beyond it, such as `5e38` or `-1e39`, is an ordinary number in JavaScript but becomes " +
      "Infinity once it is a feature or a target: the normalization statistics, the loss and " +
      "then every weight turn into NaN. `dlm check` names the file's line, the column and the " +
      "value (a note lists further ones), and `dlm run` refuses the value too. Rescale the " +
      "column (other units, a logarithm computed beforehand) so that every value is within ±3.4e38.",
    wrong: houses("70,3,5e38"),
    fixed: houses("70,3,250.25"),
  },
];

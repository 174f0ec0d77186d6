/**
 * Prints diagnostics the way rustc does: a header with the code, an arrow to file:line:col,
 * the source line with `^^^` under the range, then `= note:` / `= help:` lines and related
 * locations. Lines and columns are computed here, at printing time, from character offsets.
 */
import { fixesBeyondHelp, type Diagnostic, type RelatedLocation, type Severity } from "./diagnostic.js";
import type { SourceRange } from "./source-range.js";
import { terminalLine, terminalText } from "./terminal-text.js";

/** How to print: colors for a terminal, and where to read the text of other files. */
export interface RenderOptions {
  /** ANSI colors (red / yellow / blue, bold); off by default. */
  readonly color?: boolean;
  /** Text of a file named by a related location; `undefined` when it cannot be read. */
  readonly readSource?: (file: string) => string | undefined;
}

/** A 1-based line and column (column counted in UTF-16 code units, as editors do). */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/**
 * Line breaks as the language server protocol and editors count them: `\n`, `\r\n` and `\r`
 * only. U+2028 and U+2029 are ordinary characters here, or lines would shift against the editor's.
 */
const LINE_BREAK = /\r\n?|\n/g;

/** Where each line starts, for the last few texts asked about (diagnostics of several files interleave). */
const lineStartCache = new Map<string, readonly number[]>();
const LINE_START_CACHE_SIZE = 4;

/** The offsets where the lines of `text` start: computed once per text, so each lookup is logarithmic. */
function lineStartsOf(text: string): readonly number[] {
  const cached = lineStartCache.get(text);
  if (cached !== undefined) return cached;
  const starts = [0];
  LINE_BREAK.lastIndex = 0;
  for (let match = LINE_BREAK.exec(text); match; match = LINE_BREAK.exec(text)) starts.push(match.index + match[0].length);
  if (lineStartCache.size >= LINE_START_CACHE_SIZE) lineStartCache.delete(lineStartCache.keys().next().value as string);
  lineStartCache.set(text, starts);
  return starts;
}

/** The 0-based index of the line holding `offset` (already clamped to the text). */
function lineIndexOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The 1-based line and column of `offset` in `text` (offsets past the end are clamped). */
export function lineColumn(text: string, offset: number): LineColumn {
  const target = Math.max(0, Math.min(offset, text.length));
  // An offset inside a `\r\n` pair belongs to the line it ends: the next line starts after the pair.
  const starts = lineStartsOf(text);
  const line = lineIndexOf(starts, target);
  return { line: line + 1, column: target - starts[line]! + 1 };
}

/** The text of the line holding `offset`, and where that line starts. */
function lineAt(text: string, offset: number): { text: string; start: number } {
  const target = Math.max(0, Math.min(offset, text.length));
  const starts = lineStartsOf(text);
  const line = lineIndexOf(starts, target);
  const start = starts[line]!;
  let end = line + 1 < starts.length ? starts[line + 1]! : text.length;
  if (end > start && text[end - 1] === "\n") end -= 1;
  if (end > start && text[end - 1] === "\r") end -= 1;
  return { text: text.slice(start, end), start };
}

// Colors -----------------------------------------------------------------------------------------

interface Palette {
  severity(severity: Severity, text: string): string;
  gutter(text: string): string;
  bold(text: string): string;
}

const SEVERITY_COLOR: Readonly<Record<Severity, string>> = { error: "31", warning: "33", info: "34" };

const ANSI: Palette = {
  severity: (severity, text) => `\u001b[1;${SEVERITY_COLOR[severity]}m${text}\u001b[0m`,
  gutter: (text) => `\u001b[1;34m${text}\u001b[0m`,
  bold: (text) => `\u001b[1m${text}\u001b[0m`,
};

const PLAIN: Palette = {
  severity: (_severity, text) => text,
  gutter: (text) => text,
  bold: (text) => text,
};

// Rendering --------------------------------------------------------------------------------------

/** A located excerpt to print: file, position, the source line and where to underline. */
interface Excerpt {
  readonly file: string;
  readonly position: LineColumn | undefined;
  readonly line: string | undefined;
  readonly underlineStart: number;
  readonly underlineLength: number;
}

const TAB_WIDTH = 4;
/** Longer source lines are shown as a window around the range. */
const MAX_SHOWN_LINE = 160;

/** Renders one diagnostic as rustc-style text (no trailing newline). */
export function renderDiagnostic(diagnostic: Diagnostic, sourceText: string, options: RenderOptions = {}): string {
  const palette = options.color ? ANSI : PLAIN;
  const primary = excerpt(diagnostic.file, sourceText, diagnostic.range);
  const related = (diagnostic.related ?? []).map((location) => ({
    location,
    excerpt: excerpt(location.file, sourceOf(location, diagnostic.file, sourceText, options), location.range),
  }));
  const lineNumbers = [primary, ...related.map((entry) => entry.excerpt)].map((e) => e.position?.line ?? 0);
  const width = String(Math.max(...lineNumbers)).length;
  const pad = " ".repeat(width);

  const out: string[] = [];
  const label = `${diagnostic.severity}[${diagnostic.code}]`;
  out.push(`${palette.severity(diagnostic.severity, label)}${palette.bold(`: ${terminalText(diagnostic.message)}`)}`);
  out.push(...renderExcerpt(primary, width, diagnostic.severity, palette));
  for (const note of diagnostic.notes ?? []) {
    out.push(` ${pad} ${palette.gutter("=")} ${palette.bold("note")}: ${terminalText(note)}`);
  }
  if (diagnostic.help)
    out.push(` ${pad} ${palette.gutter("=")} ${palette.bold("help")}: ${terminalText(diagnostic.help)}`);
  for (const fix of fixesBeyondHelp(diagnostic))
    out.push(` ${pad} ${palette.gutter("=")} ${palette.bold("help")}: ${terminalText(fix.title)}`);
  for (const entry of related) {
    out.push(`${palette.bold("note")}: ${terminalText(entry.location.message)}`);
    out.push(...renderExcerpt(entry.excerpt, width, "info", palette));
  }
  return out.join("\n");
}

function sourceOf(
  location: RelatedLocation,
  primaryFile: string,
  primaryText: string,
  options: RenderOptions,
): string | undefined {
  if (location.file === primaryFile) return primaryText;
  return options.readSource?.(location.file);
}

function excerpt(file: string, text: string | undefined, range: SourceRange): Excerpt {
  if (text === undefined) return { file, position: undefined, line: undefined, underlineStart: 0, underlineLength: 0 };
  const start = Math.max(0, Math.min(range.start, text.length));
  const end = Math.max(start, Math.min(range.end, text.length));
  const position = lineColumn(text, start);
  const line = lineAt(text, start);
  const column = start - line.start;
  // A range over several lines is underlined to the end of its first line.
  const lastColumn = Math.min(end - line.start, line.text.length);
  return {
    file,
    position,
    line: line.text,
    underlineStart: column,
    underlineLength: Math.max(1, lastColumn - column),
  };
}

function renderExcerpt(source: Excerpt, width: number, severity: Severity, palette: Palette): string[] {
  const pad = " ".repeat(width);
  const arrow = ` ${pad}${palette.gutter("-->")} `;
  if (!source.position || source.line === undefined) return [`${arrow}${terminalLine(source.file)}`];
  const { line, column } = source.position;
  const shown = showLine(source.line, source.underlineStart, source.underlineLength);
  const number = String(line).padStart(width);
  return [
    `${arrow}${terminalLine(source.file)}:${line}:${column}`,
    ` ${pad} ${palette.gutter("|")}`,
    ` ${palette.gutter(`${number} |`)} ${shown.text}`.trimEnd(),
    ` ${pad} ${palette.gutter("|")} ${" ".repeat(shown.caretColumn)}${palette.severity(severity, "^".repeat(shown.caretLength))}`,
  ];
}

/**
 * The line as printed (tabs expanded, control characters replaced, long lines windowed)
 * and where the carets go in it.
 */
function showLine(
  raw: string,
  start: number,
  length: number,
): { text: string; caretColumn: number; caretLength: number } {
  // Only the part of a long line around the range is walked, so rendering stays linear in the file.
  const long = raw.length > 4 * MAX_SHOWN_LINE;
  const from = long ? Math.max(0, start - 2 * MAX_SHOWN_LINE) : 0;
  const to = long ? Math.min(raw.length, start + 2 * MAX_SHOWN_LINE) : raw.length;
  let text = "";
  let caretColumn = 0;
  let caretLength = 0;
  for (let i = from; i <= to; i++) {
    if (i === start) caretColumn = text.length;
    if (i === start + length) caretLength = Math.max(1, text.length - caretColumn);
    if (i === to) break;
    const char = raw[i]!;
    const code = char.charCodeAt(0);
    if (char === "\t") text += " ".repeat(TAB_WIDTH);
    else if (code < 0x20 || code === 0x7f) text += "\uFFFD";
    else text += char;
  }
  if (caretLength === 0) caretLength = Math.max(1, text.length - caretColumn);
  if (text.length <= MAX_SHOWN_LINE && from === 0 && to === raw.length) return { text, caretColumn, caretLength };
  const windowFrom = Math.max(0, caretColumn - 60);
  const windowTo = Math.min(text.length, windowFrom + MAX_SHOWN_LINE);
  const prefix = windowFrom > 0 || from > 0 ? "..." : "";
  const suffix = windowTo < text.length || to < raw.length ? "..." : "";
  return {
    text: prefix + text.slice(windowFrom, windowTo) + suffix,
    caretColumn: caretColumn - windowFrom + prefix.length,
    caretLength: Math.max(1, Math.min(caretLength, windowTo - caretColumn)),
  };
}

/** One line counting the diagnostics by severity, e.g. "error: 2 errors, 1 warning found". */
export function summaryLine(diagnostics: readonly Diagnostic[], options: Pick<RenderOptions, "color"> = {}): string {
  const palette = options.color ? ANSI : PLAIN;
  const count = (severity: Severity): number => diagnostics.filter((d) => d.severity === severity).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  const errors = count("error");
  const warnings = count("warning");
  const infos = count("info");
  const parts = [
    errors > 0 ? plural(errors, "error") : "",
    warnings > 0 ? plural(warnings, "warning") : "",
    infos > 0 ? plural(infos, "note") : "",
  ].filter((part) => part !== "");
  if (parts.length === 0) return "no problems found";
  const severity: Severity = errors > 0 ? "error" : warnings > 0 ? "warning" : "info";
  const label = severity === "info" ? "note" : severity;
  return `${palette.severity(severity, label)}${palette.bold(`: ${parts.join(", ")} found`)}`;
}

/**
 * Text for a terminal: labels, paths and messages come from user files (CSV values, folder
 * names, `.dlm` strings), and a terminal obeys escape codes in them (clearing the screen,
 * rewriting earlier lines, setting the window title). They are printed escaped instead.
 */

/**
 * C0 controls other than tab and newline, DEL, C1 controls, and the bidirectional overrides
 * and isolates that make a line read differently from what it holds.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as an escape: ESC → `\x1b`, BEL → `\x07`, U+202E → `\u202e`. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** Like `terminalText`, and a line break is escaped too (`\n`, `\r`): for a value that must stay on one line. */
export function terminalLine(text: string): string {
  return terminalText(text.replace(/\r/g, "\\r").replace(/\n/g, "\\n"));
}

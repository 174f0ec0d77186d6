/** The first line of an error's message: TF.js's messages (and a worker's) go on with paragraphs of advice. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

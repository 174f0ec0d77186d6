/** Formats generated TypeScript with prettier (loaded lazily: only `compile` and `run` pay for it). */

/** The project's style for generated code. */
const PRETTIER_OPTIONS = { parser: "typescript", printWidth: 110 } as const;

/** Formats a TypeScript program. */
export async function formatTypeScript(text: string): Promise<string> {
  const prettier = await import("prettier");
  return prettier.format(text, PRETTIER_OPTIONS);
}

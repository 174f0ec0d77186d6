/** Formats generated TypeScript with prettier (loaded lazily: only `compile` and `run` pay for it). */

/** The project's style for generated code. */
const PRETTIER_OPTIONS = { parser: "typescript", printWidth: 110 } as const;

/**
 * Formats a TypeScript program. Prettier's standalone build with its TypeScript and estree
 * plugins formats exactly as `prettier.format` does, without loading the Node entry (config
 * files, plugin search, every other language), a third of prettier's start-up.
 */
export async function formatTypeScript(text: string): Promise<string> {
  const [prettier, typescript, estree] = await Promise.all([
    import("prettier/standalone"),
    import("prettier/plugins/typescript"),
    import("prettier/plugins/estree"),
  ]);
  return prettier.format(text, { ...PRETTIER_OPTIONS, plugins: [typescript, estree] });
}

/** `dlm explain DLMxxx`: the long-form explanation of one diagnostic code. */
import { MESSAGES, explainCode } from "../../diagnostics/catalog/index.js";
import { CliError, EXIT_OK } from "../cli-contract.js";

export function runExplainCommand(code: string): number {
  const normalized = code.trim().toUpperCase();
  const withPrefix = /^\d+$/.test(normalized) ? `DLM${normalized}` : normalized;
  if (!MESSAGES.has(withPrefix)) {
    const family = withPrefix.slice(0, 4);
    const known = [...MESSAGES.keys()].filter((c) => c.startsWith(family)).slice(0, 12);
    throw new CliError(
      `unknown diagnostic code \`${code}\`` +
        (known.length > 0 ? `; codes of that family: ${known.join(", ")}` : "; codes look like DLM101 … DLM599"),
    );
  }
  process.stdout.write(explainCode(withPrefix) + "\n");
  return EXIT_OK;
}

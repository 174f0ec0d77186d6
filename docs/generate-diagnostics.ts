/** Regenerates docs/diagnostics.md from the diagnostic catalog: `npm run docs:diagnostics`. */
import { writeFileSync } from "node:fs";
import { diagnosticsMarkdown } from "../diagnostics/catalog/index.js";

writeFileSync(new URL("./diagnostics.md", import.meta.url), diagnosticsMarkdown());

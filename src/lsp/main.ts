/**
 * The language server as a program of its own: what the VS Code extension bundles and
 * what tests spawn (`node --import tsx src/lsp/main.ts --stdio`). Same server as `dlm lsp --stdio`.
 */
import { startLanguageServer } from "./server.js";

startLanguageServer();

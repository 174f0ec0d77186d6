/**
 * The DLM language server: wires the protocol to the document store and the features.
 * Each feature is a pure function of a checked document in its own file; this file only
 * routes requests. `dlm lsp --stdio` calls {@link startLanguageServer}.
 */
import { formatDlm } from "../../compiler/format-dlm.js";
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import type { CompilerHost } from "../../compiler/host.js";
import { completionsAt, COMPLETION_TRIGGER_CHARACTERS } from "./completion.js";
import { documentDiagnostics } from "./diagnostics.js";
import { DocumentStore, uriToPath } from "./document-store.js";
import { formattingEdits, type DocumentFormatter } from "./formatting.js";
import { hoverAt } from "./hover.js";
import { modelSummaries } from "./model-summaries.js";
import { MODEL_SUMMARIES_REQUEST, type ModelSummariesParams, type ModelSummariesResult } from "./protocol.js";
import { definitionAt, referencesAt } from "./navigation.js";
import { documentSymbols } from "./symbols.js";

/** Quiet time after an edit before a document is checked again. */
export const DEFAULT_DEBOUNCE_MS = 50;

/** Options of the language server. */
export interface LanguageServerOptions {
  /** Quiet time after an edit, in ms (default 50); the client's `initializationOptions.debounceMs` overrides it. */
  readonly debounceMs?: number;
  /** Where files that are not open come from (default: the disk). */
  readonly fallbackHost?: CompilerHost;
  /** The `dlm fmt` hook: when given, the server offers document formatting (see `formatting.ts`). */
  readonly formatDocument?: DocumentFormatter;
}

/** What a client may pass as `initializationOptions`. */
interface DlmInitializationOptions {
  readonly debounceMs?: number;
}

/** Serves DLM over an existing connection (stdio, sockets, in-memory streams in benchmarks) and starts listening. */
export function createLanguageServer(connection: Connection, options: LanguageServerOptions = {}): void {
  const store = new DocumentStore({
    debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    ...(options.fallbackHost ? { fallbackHost: options.fallbackHost } : {}),
    onChecked: (checked) => {
      void connection.sendDiagnostics({ uri: checked.uri, version: checked.document.version, diagnostics: documentDiagnostics(checked) });
    },
    onError: (error) => connection.console.error(`dlm: checking failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  const format = options.formatDocument;

  connection.onInitialize((params): InitializeResult => {
    const requested = (params.initializationOptions as DlmInitializationOptions | undefined)?.debounceMs;
    if (typeof requested === "number" && requested >= 0) store.setDebounce(requested);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        ...(format ? { documentFormattingProvider: true } : {}),
      },
      serverInfo: { name: "dlm" },
    };
  });

  connection.onDidOpenTextDocument(({ textDocument }) => {
    store.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
  });
  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    store.change(textDocument.uri, textDocument.version, contentChanges);
  });
  connection.onDidCloseTextDocument(({ textDocument }) => {
    store.close(textDocument.uri);
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });

  connection.onHover(({ textDocument, position }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? hoverAt(checked, checked.document.offsetAt(position)) : null;
  });
  connection.onCompletion(({ textDocument, position }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? completionsAt(checked, checked.document.offsetAt(position)) : [];
  });
  connection.onDefinition(({ textDocument, position }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? definitionAt(checked, checked.document.offsetAt(position)) : null;
  });
  connection.onReferences(({ textDocument, position, context }) => {
    const checked = store.checked(textDocument.uri);
    if (!checked) return [];
    return referencesAt(checked, checked.document.offsetAt(position), context.includeDeclaration, store.allChecked());
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? documentSymbols(checked) : [];
  });
  connection.onRequest(MODEL_SUMMARIES_REQUEST, (params: ModelSummariesParams): ModelSummariesResult => {
    const checked = store.checked(params.uri);
    return checked ? modelSummaries(checked) : { models: [] };
  });
  if (format) {
    connection.onDocumentFormatting(({ textDocument }) => {
      const document = store.document(textDocument.uri);
      return document ? formattingEdits(document, uriToPath(textDocument.uri), format) : [];
    });
  }
  connection.onShutdown(() => store.dispose());

  connection.listen();
}

/** Starts the server over stdin/stdout (`dlm lsp --stdio`); the process lives until the client exits it. */
export function startLanguageServer(options: LanguageServerOptions = {}): void {
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  createLanguageServer(connection, { formatDocument: formatWithDlmFmt, ...options });
}

/** Document formatting = `dlm fmt`; a file with syntax errors is left as it is. */
function formatWithDlmFmt(text: string, file: string): string | undefined {
  const formatted = formatDlm(text, file);
  return formatted.ok ? formatted.text : undefined;
}

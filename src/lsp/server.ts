/**
 * The DLM language server: wires the protocol to the document store and the features.
 * Each feature is a pure function of a checked document in its own file; this file only
 * routes requests. `dlm lsp --stdio` calls {@link startLanguageServer}.
 */
import { formatDlm } from "../../compiler/format-dlm.js";
import { format as formatLogArguments } from "node:util";
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import type { CompilerHost } from "../../compiler/host.js";
import { codeActionsFor } from "./code-actions.js";
import { completionsAt, COMPLETION_TRIGGER_CHARACTERS } from "./completion.js";
import { documentDiagnostics, setDiagnosticsDocs } from "./diagnostics.js";
import { foldingRanges } from "./folding.js";
import { inlayHints } from "./inlay-hints.js";
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from "./semantic-tokens.js";
import { signatureHelpAt, SIGNATURE_TRIGGER_CHARACTERS } from "./signature-help.js";
import { WorkspaceIndex } from "./workspace-index.js";
import { workspaceSymbols } from "./workspace-symbols.js";
import { DocumentStore, uriToPath } from "./document-store.js";
import { formattingEdits, type DocumentFormatter } from "./formatting.js";
import { hoverAt } from "./hover.js";
import { modelSummaries } from "./model-summaries.js";
import { MODEL_SUMMARIES_REQUEST, type ModelSummariesParams, type ModelSummariesResult } from "./protocol.js";
import { definitionAt, documentHighlightsAt, prepareRenameAt, referencesAt, renameAt } from "./navigation.js";
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
  /** Check the first edit after a quiet spell without waiting for the debounce (default true; bench/lsp.ts compares both). */
  readonly checkAtOnceAfterQuiet?: boolean;
}

/** What a client may pass as `initializationOptions`. */
interface DlmInitializationOptions {
  readonly debounceMs?: number;
  /** The settings under `dlm` (what `workspace/configuration` would answer), for clients that cannot be asked. */
  readonly inlayHints?: { readonly enabled?: boolean };
  /** A URI of docs/diagnostics.md to link each diagnostic's code to (default: the copy installed with the server). */
  readonly diagnosticsDocs?: string;
}

/** The `dlm` settings the server reads (VS Code: `dlm.inlayHints.enabled`). */
interface DlmSettings {
  readonly inlayHints?: { readonly enabled?: boolean };
}

/** Files whose change on disk can change a check: sources, and the data and model files experiments read. */
export const WATCHED_FILE_PATTERNS = ["**/*.dlm", "**/*.csv", "**/*.tsv", "**/*.json"] as const;

/** What the caller of {@link createLanguageServer} may ask of the running server. */
export interface LanguageServerHandle {
  /** True once the client sent `shutdown` (then an end of input is a clean exit). */
  readonly shutdownReceived: boolean;
}

/** Serves DLM over an existing connection (stdio, sockets, in-memory streams in benchmarks) and starts listening. */
export function createLanguageServer(connection: Connection, options: LanguageServerOptions = {}): LanguageServerHandle {
  const handle = { shutdownReceived: false };
  let watchFilesDynamically = false;
  let canAskConfiguration = false;
  let canRefreshInlayHints = false;
  let inlayHintsEnabled = true;
  let workspaceIndex: WorkspaceIndex | undefined;
  const readSettings = async (): Promise<void> => {
    if (!canAskConfiguration) return;
    try {
      const settings = (await connection.workspace.getConfiguration("dlm")) as DlmSettings | null;
      const enabled = settings?.inlayHints?.enabled !== false;
      if (enabled === inlayHintsEnabled) return;
      inlayHintsEnabled = enabled;
      if (canRefreshInlayHints) await connection.languages.inlayHint.refresh();
    } catch (error) {
      connection.console.warn(`dlm: could not read the settings: ${String(error)}`);
    }
  };
  const store = new DocumentStore({
    debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    ...(options.fallbackHost ? { fallbackHost: options.fallbackHost } : {}),
    ...(options.checkAtOnceAfterQuiet !== undefined ? { checkAtOnceAfterQuiet: options.checkAtOnceAfterQuiet } : {}),
    onChecked: (checked) => {
      void connection.sendDiagnostics({ uri: checked.uri, version: checked.document.version, diagnostics: documentDiagnostics(checked) });
    },
    onError: (error) => connection.console.error(`dlm: checking failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  const format = options.formatDocument;

  connection.onInitialize((params): InitializeResult => {
    const initialization = params.initializationOptions as DlmInitializationOptions | undefined;
    const requested = initialization?.debounceMs;
    if (typeof requested === "number" && requested >= 0) store.setDebounce(requested);
    if (initialization?.inlayHints?.enabled === false) inlayHintsEnabled = false;
    if (typeof initialization?.diagnosticsDocs === "string") setDiagnosticsDocs(initialization.diagnosticsDocs);
    watchFilesDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canAskConfiguration = params.capabilities.workspace?.configuration === true;
    canRefreshInlayHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    const folders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri }] : [])).map((folder) => folder.uri).filter((uri) => uri.startsWith("file:"));
    workspaceIndex = new WorkspaceIndex(folders.map(uriToPath));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS },
        signatureHelpProvider: { triggerCharacters: SIGNATURE_TRIGGER_CHARACTERS, retriggerCharacters: [":"] },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        inlayHintProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        ...(format ? { documentFormattingProvider: true } : {}),
      },
      serverInfo: { name: "dlm" },
    };
  });

  connection.onInitialized(() => {
    if (canAskConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: "dlm" }).catch(() => undefined);
      void readSettings();
    }
    // Without dynamic registration the client decides what it watches (VS Code's `synchronize.fileEvents`).
    if (watchFilesDynamically) {
      connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_FILE_PATTERNS.map((globPattern) => ({ globPattern })) })
        .catch((error: unknown) => connection.console.warn(`dlm: the client refused to watch files: ${String(error)}`));
    }
  });
  connection.onDidChangeConfiguration((change) => {
    if (canAskConfiguration) return void readSettings();
    // Clients that push settings send them in the notification.
    const pushed = (change.settings as { dlm?: DlmSettings } | null)?.dlm;
    if (pushed) inlayHintsEnabled = pushed.inlayHints?.enabled !== false;
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    store.filesChanged(changes.filter((change) => change.uri.startsWith("file:")).map((change) => uriToPath(change.uri)));
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
  connection.onSignatureHelp(({ textDocument, position }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? signatureHelpAt(checked, checked.document.offsetAt(position)) : null;
  });
  connection.onDefinition(({ textDocument, position }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? definitionAt(checked, checked.document.offsetAt(position), store.allChecked()) : null;
  });
  connection.onDocumentHighlight(({ textDocument, position }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? documentHighlightsAt(checked, checked.document.offsetAt(position)) : [];
  });
  connection.onPrepareRename(({ textDocument, position }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? prepareRenameAt(checked, checked.document.offsetAt(position)) : null;
  });
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? renameAt(checked, checked.document.offsetAt(position), newName, store.allChecked()) : null;
  });
  connection.onWorkspaceSymbol(({ query }) => workspaceSymbols(query, store.allChecked(), workspaceIndex));
  connection.onFoldingRanges(({ textDocument }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? foldingRanges(checked) : [];
  });
  connection.languages.inlayHint.on(({ textDocument, range }) => {
    const checked = inlayHintsEnabled ? store.checked(textDocument.uri) : undefined;
    if (!checked) return [];
    return inlayHints(checked, { start: checked.document.offsetAt(range.start), end: checked.document.offsetAt(range.end) });
  });
  connection.languages.semanticTokens.on(({ textDocument }) => {
    const checked = store.checked(textDocument.uri);
    return checked ? semanticTokens(checked) : { data: [] };
  });
  connection.onCodeAction(({ textDocument, range, context }) => {
    if (context.only && !context.only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
    const checked = store.checked(textDocument.uri);
    if (!checked) return [];
    return codeActionsFor(checked, { start: checked.document.offsetAt(range.start), end: checked.document.offsetAt(range.end) });
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
  connection.onShutdown(() => {
    handle.shutdownReceived = true;
    store.dispose();
  });

  connection.listen();
  return handle;
}

/**
 * Starts the server over stdin/stdout (`dlm lsp --stdio`). The process lives until the
 * client sends `exit`, closes stdin, or sends a frame that cannot be read (a wrong
 * `Content-Length` leaves the stream out of step for good, so the server says so on stderr
 * and exits; the client restarts it). Nothing but protocol messages ever reaches stdout.
 */
export function startLanguageServer(options: LanguageServerOptions = {}): void {
  routeConsoleToStderr();
  const reader = new StreamMessageReader(process.stdin);
  const connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
  const server = createLanguageServer(connection, { formatDocument: formatWithDlmFmt, ...options });
  const exit = (): never => process.exit(server.shutdownReceived ? 0 : 1);
  process.stdin.on("end", exit);
  process.stdin.on("close", exit);
  reader.onError((error) => {
    process.stderr.write(`dlm lsp: cannot read a message from the client (${error.message.split("\n")[0]}); exiting\n`);
    process.exit(1);
  });
  reader.onPartialMessage(({ waitingTime }) => {
    process.stderr.write(`dlm lsp: a message from the client is still incomplete after ${waitingTime} ms (is its Content-Length right?)\n`);
  });
}

/** `console.log` and friends write to stderr: on stdout they would corrupt the protocol stream. */
function routeConsoleToStderr(): void {
  const toStderr = (...args: unknown[]): void => {
    process.stderr.write(`${formatLogArguments(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
  console.dir = toStderr;
  console.trace = toStderr;
  console.table = toStderr;
}

/** Document formatting = `dlm fmt`; a file with syntax errors is left as it is. */
function formatWithDlmFmt(text: string, file: string): string | undefined {
  const formatted = formatDlm(text, file);
  return formatted.ok ? formatted.text : undefined;
}

/**
 * A minimal LSP client for tests: spawns the real server (`src/lsp/main.ts` through tsx, so
 * no build is needed) and talks JSON-RPC to it over stdio with vscode-jsonrpc.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as path from "node:path";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import type {
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  InitializeResult,
  Location,
  Position,
  PublishDiagnosticsParams,
} from "vscode-languageserver";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** What a test may ask of the handshake. */
export interface StartOptions {
  /** The client capabilities sent with `initialize` (default: none). `root` is the workspace folder (default: the server's folder). */
  readonly capabilities?: Record<string, unknown>;
  readonly initializationOptions?: Record<string, unknown>;
  /** The answer to `workspace/configuration` requests, by section. */
  readonly configuration?: Record<string, unknown>;
}

/** A running server and the requests tests make of it. */
export class TestLanguageClient {
  /** What the server asked the client to register (`client/registerCapability`). */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();

  /** What the server announced at initialization. */
  capabilities: InitializeResult["capabilities"] = {};

  private constructor(
    /** The server process. */
    readonly child: ChildProcess,
    private readonly connection: MessageConnection,
    configuration: Record<string, unknown>,
  ) {
    connection.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      for (const wake of this.waiters.splice(0)) wake();
    });
    connection.onRequest("client/registerCapability", (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    connection.onRequest("workspace/configuration", (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section !== undefined ? (configuration[item.section] ?? null) : configuration)),
    );
    connection.onRequest("workspace/inlayHint/refresh", () => null);
    connection.onRequest("workspace/semanticTokens/refresh", () => null);
  }

  /**
   * Spawns the server and completes the initialize handshake. `entry` (or the environment
   * variable `DLM_LSP_ENTRY`, space-separated) names another server to test, e.g. the bundled
   * `src/vscode/dist/server.mjs` or `bin/dlm.js lsp`.
   */
  static async start(
    entry: readonly string[] | undefined = process.env["DLM_LSP_ENTRY"]?.split(" "),
    options: StartOptions & { readonly cwd?: string; readonly root?: string } = {},
  ): Promise<TestLanguageClient> {
    entry ??= ["--import", "tsx", "src/lsp/main.ts"];
    const child = spawn(process.execPath, [...entry, "--stdio"], {
      cwd: options.cwd ?? REPO_ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.listen();
    const client = new TestLanguageClient(child, connection, options.configuration ?? {});
    const result = await connection.sendRequest<InitializeResult>("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(options.root ?? options.cwd ?? REPO_ROOT).href,
      capabilities: options.capabilities ?? {},
      ...(options.initializationOptions ? { initializationOptions: options.initializationOptions } : {}),
    });
    await connection.sendNotification("initialized", {});
    client.capabilities = result.capabilities;
    return client;
  }

  /** Opens a document; its first diagnostics follow without delay. */
  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "dlm", version: 1, text } });
  }

  /** Replaces a document's whole text. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** The first diagnostics published for `uri` that satisfy `accept` (waits for them). */
  async diagnostics(uri: string, accept: (params: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.published.find((params) => params.uri === uri && accept(params));
      if (found) return found.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position });
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.connection.sendRequest<CompletionItem[] | CompletionList | null>("textDocument/completion", { textDocument: { uri }, position });
    return Array.isArray(result) ? result : (result?.items ?? []);
  }

  definition(uri: string, position: Position): Promise<Location | Location[] | null> {
    return this.connection.sendRequest("textDocument/definition", { textDocument: { uri }, position });
  }

  references(uri: string, position: Position, includeDeclaration: boolean): Promise<Location[] | null> {
    return this.connection.sendRequest("textDocument/references", { textDocument: { uri }, position, context: { includeDeclaration } });
  }

  documentSymbols(uri: string): Promise<DocumentSymbol[] | null> {
    return this.connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri } });
  }

  request<Result>(method: string, params: unknown): Promise<Result> {
    return this.connection.sendRequest(method, params);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** How many diagnostics notifications arrived for `uri` so far. */
  publishedCount(uri: string): number {
    return this.published.filter((params) => params.uri === uri).length;
  }

  /** Shuts the server down politely, then makes sure the process is gone. */
  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest("shutdown");
      await this.connection.sendNotification("exit");
    } finally {
      this.connection.dispose();
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    }
  }
}

/** The protocol position of the `occurrence`-th `needle` in `text`, moved `delta` characters on. */
export function positionOf(text: string, needle: string, delta = 0, occurrence = 1): Position {
  let index = -1;
  for (let seen = 0; seen < occurrence; seen++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`\`${needle}\` occurs fewer than ${occurrence} times`);
  }
  const offset = index + delta;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** A `file:` URI for a test document (nothing is written there). */
export function testUri(name: string): string {
  return pathToFileURL(path.join(REPO_ROOT, "test", "lsp", "__virtual__", name)).href;
}

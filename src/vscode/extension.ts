/**
 * The VS Code extension: starts the DLM language server and adds "DLM: Show model summary".
 *
 * The server is the one `dlm lsp --stdio` runs. By default it is the copy bundled into the
 * extension (`dist/server.mjs`, run by VS Code's own Node), so the extension works without
 * DLM installed; the `dlm.server.path` setting runs a project's own `dlm` CLI instead.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import type { ModelSummariesParams, ModelSummariesResult } from "../lsp/protocol.js";

/** Must equal `MODEL_SUMMARIES_REQUEST` in `src/lsp/protocol.ts` (the type makes sure). */
const MODEL_SUMMARIES_REQUEST: typeof import("../lsp/protocol.js").MODEL_SUMMARIES_REQUEST = "dlm/modelSummaries";

let client: LanguageClient | undefined;

/** Called by VS Code when a `.dlm` file opens: starts the language server. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const settings = vscode.workspace.getConfiguration("dlm");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dlm" },
      { scheme: "untitled", language: "dlm" },
    ],
    // The server also asks for `dlm` settings (workspace/configuration) and hears when they change.
    initializationOptions: { inlayHints: { enabled: settings.get<boolean>("inlayHints.enabled", true) } },
  };
  client = new LanguageClient("dlm", "DLM Language Server", serverOptions(context), clientOptions);
  context.subscriptions.push(vscode.commands.registerCommand("dlm.showSummary", () => showModelSummary(client)));
  await client.start();
}

/** Called by VS Code on shutdown: stops the server. */
export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** How to start the server: the bundled one, or the `dlm` CLI named in the settings. */
function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  // In an untrusted workspace VS Code hides the workspace's value (restrictedConfigurations); say so by using the bundle.
  const configured = vscode.workspace.isTrusted ? vscode.workspace.getConfiguration("dlm").get<string>("server.path", "").trim() : "";
  if (configured !== "") {
    const cli = expandWorkspaceFolder(configured);
    // A script (`bin/dlm.js`) runs under VS Code's Node; a command (`dlm`, `.bin/dlm`) runs as is.
    if (/\.[cm]?js$/.test(cli)) {
      return {
        command: process.execPath,
        args: [cli, "lsp", "--stdio"],
        options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } },
      };
    }
    return { command: cli, args: ["lsp", "--stdio"], options: { shell: process.platform === "win32" } };
  }
  const bundled = context.asAbsolutePath(path.join("dist", "server.mjs"));
  return {
    run: { module: bundled, transport: TransportKind.stdio },
    debug: { module: bundled, transport: TransportKind.stdio, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
}

function expandWorkspaceFolder(setting: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  return setting.replace(/\$\{workspaceFolder\}/g, folder);
}

/** "DLM: Show model summary": the summary table of every model of the active `.dlm` file, beside it. */
async function showModelSummary(languageClient: LanguageClient | undefined): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!languageClient || !editor || editor.document.languageId !== "dlm") {
    void vscode.window.showInformationMessage("Open a .dlm file to see its model summary.");
    return;
  }
  const params: ModelSummariesParams = { uri: editor.document.uri.toString() };
  const result = await languageClient.sendRequest<ModelSummariesResult>(MODEL_SUMMARIES_REQUEST, params);
  if (result.models.length === 0) {
    void vscode.window.showInformationMessage("This file declares no models.");
    return;
  }
  const content = result.models.map((model) => model.text).join("\n\n");
  const document = await vscode.workspace.openTextDocument({ content, language: "plaintext" });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
}

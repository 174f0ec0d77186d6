/**
 * The server's own requests beyond LSP, shared by the server and the VS Code extension.
 * Kept free of imports so the extension can use it without bundling the compiler.
 */

/** `dlm/modelSummaries`: the summary table of every model in a document ("DLM: Show model summary"). */
export const MODEL_SUMMARIES_REQUEST = "dlm/modelSummaries";

/** The request's parameters: the document to summarise. */
export interface ModelSummariesParams {
  readonly uri: string;
}

/** One model's summary. */
export interface ModelSummary {
  readonly name: string;
  /** The summary table as `dlm summary` prints it, or why there is none. */
  readonly text: string;
}

/** The response: one entry per model written in the document, in file order. */
export interface ModelSummariesResult {
  readonly models: readonly ModelSummary[];
}

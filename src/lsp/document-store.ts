/**
 * The open documents and their latest check. Edits schedule a debounced check; a feature
 * (hover, completion…) that needs the result of the text as it is now flushes the pending
 * check first. The compiler reads open documents from memory and everything else from
 * disk, so an import that is missing on disk is a diagnostic, never a wait.
 */
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import { checkProgram, type CheckResult } from "../../compiler/program.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import { describeBoundedReadFailure, MAX_SOURCE_BYTES } from "../../compiler/source-limits.js";
import { parseDlm, type ParseResult } from "../../grammar/parse.js";
import { nodeCompilerHost, type CompilerHost } from "../../compiler/host.js";
import { NAMES } from "../../diagnostics/catalog/names.js";

/** One open document checked at one version. */
export interface CheckedDocument {
  readonly uri: string;
  /** The path the compiler knows the document by (diagnostics name it). */
  readonly path: string;
  readonly document: TextDocument;
  readonly result: CheckResult;
  /** Every file the check read or looked for (imports, CSV files, `pretrained` model.json): a change to one re-checks the document. */
  readonly reads: ReadonlySet<string>;
}

/** The compiler path of a document URI: a file system path for `file:` URIs, the URI itself otherwise. */
export function uriToPath(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

/** The URI of a compiler path (the inverse of {@link uriToPath}). */
export function pathToUri(file: string): string {
  return path.isAbsolute(file) ? pathToFileURL(file).href : file;
}

/**
 * The check of a document over the source limit: not lexed or parsed, one DLM211 saying
 * why. Its `files` lacks the document, which tells the features there is nothing to read.
 */
function overLimitResult(file: string): CheckResult {
  const empty = checkProgram([], nodeCompilerHost());
  const message = describeBoundedReadFailure(file, { kind: "too-large", limitBytes: MAX_SOURCE_BYTES });
  return { ...empty, diagnostics: [makeDiagnostic(NAMES.importNotFound, file, { start: 0, end: 0 }, { message })] };
}

/** Options of a {@link DocumentStore}. */
export interface DocumentStoreOptions {
  /** Quiet time after an edit before the document is checked. */
  readonly debounceMs: number;
  /** Called after every check (publish diagnostics here). */
  readonly onChecked: (checked: CheckedDocument) => void;
  /** Where files that are not open come from (default: the disk). */
  readonly fallbackHost?: CompilerHost;
  /** A check that threw (a compiler bug): reported here rather than crash the server. */
  readonly onError?: (error: unknown) => void;
  /**
   * Check the first edit after a quiet spell at once, and wait out the debounce only for
   * edits that follow it closely (default true): a single change is answered in the time of
   * a check, a burst of keystrokes is still checked once at its end.
   */
  readonly checkAtOnceAfterQuiet?: boolean;
}

/** Open documents, their pending checks and their latest results. */
export class DocumentStore {
  private readonly documents = new Map<string, TextDocument>();
  private readonly results = new Map<string, CheckedDocument>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** When each document was last scheduled for a check (ms, `performance.now()`). */
  private readonly lastScheduled = new Map<string, number>();
  /** The last parse of each file the checks read: an edit re-parses the edited file, not what it imports. */
  private readonly parses = new Map<string, { readonly text: string; readonly result: ParseResult }>();
  private readonly fallbackHost: CompilerHost;
  private debounceMs: number;

  constructor(private readonly options: DocumentStoreOptions) {
    this.fallbackHost = options.fallbackHost ?? nodeCompilerHost();
    this.debounceMs = options.debounceMs;
  }

  /** Changes the quiet time after an edit (the client may ask for another at initialization). */
  setDebounce(milliseconds: number): void {
    this.debounceMs = milliseconds;
  }

  /** A document was opened: checked at once. */
  open(uri: string, languageId: string, version: number, text: string): void {
    this.documents.set(uri, TextDocument.create(uri, languageId, version, text));
    this.checkNow(uri);
  }

  /** A document changed: its check (and those of open documents importing it) is scheduled. */
  change(uri: string, version: number, changes: Parameters<typeof TextDocument.update>[1]): void {
    const document = this.documents.get(uri);
    if (!document) return;
    this.documents.set(uri, TextDocument.update(document, changes, version));
    this.schedule(uri);
    for (const dependent of this.dependentsOf(uriToPath(uri))) this.schedule(dependent);
  }

  /** A document was closed: forgotten, and open documents importing it re-read it from disk (the caller clears its diagnostics). */
  close(uri: string): void {
    this.cancel(uri);
    this.documents.delete(uri);
    this.results.delete(uri);
    this.lastScheduled.delete(uri);
    this.parses.delete(uriToPath(uri));
    for (const dependent of this.dependentsOf(uriToPath(uri))) this.schedule(dependent);
  }

  /** The document's text as the editor has it. */
  document(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  /** The check of the document's current text: runs a pending check now rather than answer from stale results. */
  checked(uri: string): CheckedDocument | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const latest = this.results.get(uri);
    if (latest && latest.document.version === document.version && !this.pending.has(uri)) return latest;
    return this.checkNow(uri);
  }

  /** The latest checks of every open document (for find-references across files). */
  allChecked(): CheckedDocument[] {
    return [...this.documents.keys()].flatMap((uri) => {
      const checked = this.checked(uri);
      return checked ? [checked] : [];
    });
  }

  /** Checks the document now, cancelling a pending check. */
  checkNow(uri: string): CheckedDocument | undefined {
    this.cancel(uri);
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const file = uriToPath(uri);
    const reads = new Set<string>();
    const result = Buffer.byteLength(document.getText(), "utf8") > MAX_SOURCE_BYTES ? overLimitResult(file) : checkProgram([file], this.host(reads));
    const checked: CheckedDocument = { uri, path: file, document, result, reads };
    this.results.set(uri, checked);
    this.options.onChecked(checked);
    return checked;
  }

  /** Cancels every pending check (on shutdown). */
  dispose(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
  }

  /**
   * Files changed on disk (the client's `workspace/didChangeWatchedFiles`): open documents
   * whose last check read one of them are checked again. Open files are the editor's own.
   */
  filesChanged(files: readonly string[]): void {
    const changed = new Set(files);
    for (const file of changed) this.parses.delete(file);
    for (const checked of this.results.values()) {
      if ([...changed].some((file) => checked.reads.has(file) && file !== checked.path)) this.schedule(checked.uri);
    }
  }

  /** A host that serves open documents from memory and falls back to the disk; `reads` collects every path asked for. */
  host(reads?: Set<string>): CompilerHost {
    const openTexts = new Map([...this.documents.values()].map((document) => [uriToPath(document.uri), document]));
    return {
      readFile: (file) => {
        reads?.add(file);
        return openTexts.get(file)?.getText() ?? this.fallbackHost.readFile(file);
      },
      // Why a file on disk was not read, or the start of a CSV too large to read whole: the disk's answer.
      readBoundedFile: (file, limitBytes, options) => {
        reads?.add(file);
        return this.fallbackHost.readBoundedFile?.(file, limitBytes, options) ?? { kind: "missing" };
      },
      resolve: (fromFile, spec) => this.fallbackHost.resolve(fromFile, spec),
      parse: (file, text) => this.parse(file, text),
    };
  }

  /** Parses `text` as `file`, or returns the last parse of that file when its text is the same. */
  private parse(file: string, text: string): ParseResult {
    const last = this.parses.get(file);
    if (last !== undefined && last.text === text) return last.result;
    const result = this.fallbackHost.parse?.(file, text) ?? parseDlm(text, file);
    this.parses.set(file, { text, result });
    return result;
  }

  private schedule(uri: string): void {
    this.cancel(uri);
    const now = performance.now();
    const quiet = now - (this.lastScheduled.get(uri) ?? Number.NEGATIVE_INFINITY) >= this.debounceMs;
    this.lastScheduled.set(uri, now);
    const delay = quiet && this.options.checkAtOnceAfterQuiet !== false ? 0 : this.debounceMs;
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        try {
          this.checkNow(uri);
        } catch (error) {
          this.options.onError?.(error);
        }
      }, delay),
    );
  }

  private cancel(uri: string): void {
    const timer = this.pending.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.delete(uri);
  }

  /** Open documents whose last check read `file` (they import it). */
  private dependentsOf(file: string): string[] {
    return [...this.results.values()]
      .filter((checked) => checked.path !== file && checked.result.files.has(file))
      .map((checked) => checked.uri);
  }
}

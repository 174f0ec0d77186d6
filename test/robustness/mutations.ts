/**
 * Mutating real `.dlm` files for the fuzz tests: token-level edits (delete a run of tokens,
 * duplicate one, swap two, insert a keyword, punctuation, name, number or string) and
 * character-level edits (insert random bytes or unicode, truncate). Mutations are plain data,
 * so fast-check can print and shrink them; positions are taken modulo the text's length at
 * the moment a mutation applies, so any list of mutations applies to any file.
 */
import fc from "fast-check";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { lexDlm } from "../../grammar/lexer.js";

/** A real file the fuzzer starts from. */
export interface CorpusFile {
  /** Absolute path: the mutant is checked at this path, so its imports and data files still resolve. */
  readonly path: string;
  readonly text: string;
}

/** One edit of a source text. Token positions count the parser's tokens (not whitespace or comments). */
export type Mutation =
  | { readonly kind: "delete-tokens"; readonly at: number; readonly count: number }
  | { readonly kind: "duplicate-tokens"; readonly at: number; readonly count: number; readonly to: number }
  | { readonly kind: "swap-tokens"; readonly first: number; readonly second: number }
  | { readonly kind: "insert-token"; readonly at: number; readonly token: string }
  /** Replaces a number with `number`, a name with `name`, a string with `string`, anything else with `other`. */
  | { readonly kind: "replace-token"; readonly at: number; readonly number: string; readonly name: string; readonly string: string; readonly other: string }
  | { readonly kind: "insert-text"; readonly at: number; readonly text: string }
  | { readonly kind: "truncate"; readonly at: number };

/** A corpus file and the edits that turn it into a mutant. */
export interface MutantRecipe {
  readonly file: CorpusFile;
  readonly mutations: readonly Mutation[];
}

/** Every `.dlm` file under the given folders (recursively), read once. */
export function loadCorpus(folders: readonly string[]): CorpusFile[] {
  const files: CorpusFile[] = [];
  const visit = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (name.endsWith(".dlm")) files.push({ path, text: readFileSync(path, "utf8") });
    }
  };
  for (const folder of folders) visit(folder);
  return files;
}

/** A token with the whitespace and comments before it. */
interface TokenPiece {
  readonly text: string;
  /** The lexer's token type, e.g. `NumberLiteral`. */
  readonly kind: string;
  /** Where the token itself starts within `text`. */
  readonly tokenStart: number;
}

/** The text split at token ends; joining the pieces and `rest` gives the text back. */
function tokenPieces(text: string): { pieces: TokenPiece[]; rest: string } {
  const pieces: TokenPiece[] = [];
  let previousEnd = 0;
  for (const token of lexDlm(text).tokens) {
    const end = token.startOffset + token.image.length;
    pieces.push({ text: text.slice(previousEnd, end), kind: token.tokenType.name, tokenStart: token.startOffset - previousEnd });
    previousEnd = end;
  }
  return { pieces, rest: text.slice(previousEnd) };
}

/** The replacement `mutation` offers for a token of this kind. */
function replacementFor(kind: string, mutation: Extract<Mutation, { kind: "replace-token" }>): string {
  if (kind === "NumberLiteral") return mutation.number;
  if (kind === "Identifier") return mutation.name;
  if (kind === "StringLiteral") return mutation.string;
  return mutation.other;
}

/** Applies one mutation to a text. */
export function applyMutation(text: string, mutation: Mutation): string {
  if (mutation.kind === "insert-text") {
    const at = mutation.at % (text.length + 1);
    return text.slice(0, at) + mutation.text + text.slice(at);
  }
  if (mutation.kind === "truncate") return text.slice(0, mutation.at % (text.length + 1));
  const { pieces, rest } = tokenPieces(text);
  const tokens = pieces.length;
  if (tokens === 0) return mutation.kind === "insert-token" ? `${mutation.token} ${text}` : text;
  const edited: string[] = pieces.map((piece) => piece.text);
  switch (mutation.kind) {
    case "delete-tokens": {
      const at = mutation.at % tokens;
      edited.splice(at, Math.min(mutation.count, tokens - at));
      break;
    }
    case "duplicate-tokens": {
      const at = mutation.at % tokens;
      edited.splice(mutation.to % (tokens + 1), 0, ...edited.slice(at, at + mutation.count));
      break;
    }
    case "swap-tokens": {
      const first = mutation.first % tokens;
      const second = mutation.second % tokens;
      [edited[first], edited[second]] = [edited[second]!, edited[first]!];
      break;
    }
    case "insert-token":
      edited.splice(mutation.at % (tokens + 1), 0, ` ${mutation.token}`);
      break;
    case "replace-token": {
      const piece = pieces[mutation.at % tokens]!;
      edited[mutation.at % tokens] = piece.text.slice(0, piece.tokenStart) + replacementFor(piece.kind, mutation);
      break;
    }
  }
  return edited.join("") + rest;
}

/** The text of a mutant. */
export function mutantText(recipe: MutantRecipe): string {
  return recipe.mutations.reduce(applyMutation, recipe.file.text);
}

const KEYWORDS = ["model", "block", "experiment", "import", "residual", "repeat", "true", "false", "input"];
const PUNCTUATION = ["{", "}", "(", ")", "[", "]", ":", "=", ",", ";", "+", "-", "*", "/", "?", "///", "//", "/*", "*/"];
/** Names the checker knows (layers, sections, settings, catalog entries) and some it does not. */
const NAMES = [
  "dense", "conv2d", "conv1d", "max_pool2d", "flatten", "reshape", "dropout", "embedding", "lstm", "gru", "bidirectional",
  "batch_norm", "relu", "softmax", "pretrained", "until", "units", "activation", "padding", "same", "valid",
  "data", "source", "builtin", "csv", "images", "split", "train", "validation", "test", "normalize", "standardize", "scale",
  "tokenize", "window", "classes", "limit", "task", "label", "features", "text", "augment", "resize", "channels",
  "optimizer", "adam", "sgd", "learning_rate", "loss", "mse", "sparse_categorical_crossentropy", "metrics", "accuracy",
  "epochs", "batch_size", "callbacks", "early_stopping", "reduce_lr_on_plateau", "monitor", "patience",
  "fine_tune", "unfreeze", "all", "stage", "tune", "trials", "objective", "choice", "range", "log_range",
  "evaluate", "on", "average", "export", "seed", "backend", "wasm", "cpu", "auto",
  "x", "_", "Unknown", "constructor", "__proto__", "toString", "prototype",
  // names the generated program declares or imports: a layer named like one must not shadow it
  "loadPretrained", "runExperiment", "buildModel", "dlmDir", "inputs", "hyperparameters", "tf", "path", "main",
];
const NUMBERS = ["0", "1", "-1", "2", "3", "0.5", ".5", "1e-3", "1e308", "1e999", "1e-400", "2147483648", "9007199254740993", "1000000", "0.0", "00", "1.", "1e", "--1", "100000", "65536", "0.9999", "1e-9", "7"];
const STRINGS = [
  '""', '"x"', '"iris"', '"mnist"', '"data/houses.csv"', '"missing.csv"', '"../../etc/passwd"', '"exports/x"',
  '"\\u{1F600}"', '"\\u{110000}"', '"\\q"', '"a\\"b"', '"${process.exit(1)}"', '"`"', '"*/"', '"unterminated',
];

/** A token to insert: a keyword, punctuation, a name, a number or a string. */
const tokenArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...KEYWORDS),
  fc.constantFrom(...PUNCTUATION),
  fc.constantFrom(...NAMES),
  fc.constantFrom(...NUMBERS),
  fc.constantFrom(...STRINGS),
);

/** Random text: bytes (lone surrogates, NUL and controls included), unicode (emoji, line separators, BOM), or ASCII. */
const randomTextArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 8 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
  fc.string({ unit: fc.constantFrom("\u2028", "\u2029", "\ufeff", "\u0000", "\r", "\t", "\u00a0", "😀", "𝔘", "é", "\\", '"'), minLength: 1, maxLength: 4 }),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** A position anywhere in a file (unbiased: fast-check would otherwise favour the first characters). */
const position = fc.noBias(fc.nat({ max: 100_000 }));

/** Any one mutation; replacements weigh most, as they keep the text parseable and reach the checker's later phases. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete-tokens" as const), at: position, count: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate-tokens" as const), at: position, count: fc.integer({ min: 1, max: 8 }), to: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("swap-tokens" as const), first: position, second: position }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("insert-token" as const), at: position, token: tokenArbitrary }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("replace-token" as const),
      at: position,
      number: fc.constantFrom(...NUMBERS),
      name: fc.constantFrom(...NAMES),
      string: fc.constantFrom(...STRINGS),
      other: tokenArbitrary,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("insert-text" as const), at: position, text: randomTextArbitrary }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: position }) },
);

/** A corpus file with one to three mutations (one most often: each edit more is likelier a syntax error). */
export function mutantArbitrary(corpus: readonly CorpusFile[]): fc.Arbitrary<MutantRecipe> {
  return fc.record({
    file: fc.constantFrom(...corpus),
    mutations: fc.oneof(
      { weight: 3, arbitrary: fc.array(mutationArbitrary, { minLength: 1, maxLength: 1 }) },
      { weight: 2, arbitrary: fc.array(mutationArbitrary, { minLength: 2, maxLength: 3 }) },
    ),
  });
}

/**
 * Text to token ids: words are runs of letters and digits; the vocabulary holds the most
 * frequent training-split words. Id 0 pads, id 1 stands for any word outside the vocabulary.
 */
import type { Preprocessing } from "../prepared-data.js";

/** A fitted tokenizer, as stored in `Preprocessing`: `vocabulary[id]` is the word of `id`. */
export type Tokenizer = NonNullable<Preprocessing["tokenizer"]>;

/** The id of padding. */
export const PADDING_ID = 0;
/** The id of a word outside the vocabulary. */
export const OUT_OF_VOCABULARY_ID = 1;
/** The vocabulary's entries for the two reserved ids (Keras' TextVectorization uses the same). */
const RESERVED_WORDS = ["", "[UNK]"];

/** Splits text into words (letters and digits, any script), lower-cased when asked. */
export function splitWords(text: string, lowercase: boolean): string[] {
  return (lowercase ? text.toLowerCase() : text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Builds the vocabulary from training texts: the `vocab - 2` most frequent words, ties
 * broken alphabetically so the result does not depend on text order.
 */
export function fitTokenizer(
  texts: Iterable<string>,
  options: { vocab: number; length: number; lowercase: boolean },
): Tokenizer {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of splitWords(text, options.lowercase)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const size = Math.max(0, options.vocab - RESERVED_WORDS.length);
  let candidates = [...counts.entries()];
  if (candidates.length > size) {
    // Only words at least as frequent as the size-th most frequent can make it: sort just those.
    const threshold = size === 0 ? Infinity : Float64Array.from(counts.values()).sort().reverse()[size - 1]!;
    candidates = candidates.filter(([, count]) => count >= threshold);
  }
  const words = candidates
    .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, size)
    .map(([word]) => word);
  return { vocabulary: [...RESERVED_WORDS, ...words], length: options.length, lowercase: options.lowercase };
}

/** Encodes texts into `[texts.length, length]` ids: the first `length` words, padded with 0 at the end. */
export function encodeTexts(tokenizer: Tokenizer, texts: readonly string[]): Int32Array {
  const idOf = new Map(tokenizer.vocabulary.map((word, id) => [word, id]));
  const out = new Int32Array(texts.length * tokenizer.length).fill(PADDING_ID);
  texts.forEach((text, row) => {
    const words = splitWords(text, tokenizer.lowercase);
    const count = Math.min(words.length, tokenizer.length);
    for (let k = 0; k < count; k++) {
      const id = idOf.get(words[k]!);
      // Reserved ids are never produced by a word, even one spelled "[UNK]".
      out[row * tokenizer.length + k] = id !== undefined && id >= RESERVED_WORDS.length ? id : OUT_OF_VOCABULARY_ID;
    }
  });
  return out;
}

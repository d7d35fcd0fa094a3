// Random edits of the kind a person makes while typing a flow (and some nobody should), seeded so
// that a failure can be replayed: the fuzz test sends them to the server, the incremental-parse
// test compares incremental and full analyses after each.

import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { offsetToPosition } from './harness.js';

/** The seed of a run: fixed by default, `TSFLOW_FUZZ_SEED=random` explores new edits. */
export function fuzzSeed(fallback: number): number {
  return process.env.TSFLOW_FUZZ_SEED === 'random'
    ? Date.now() % 1_000_000
    : Number(process.env.TSFLOW_FUZZ_SEED ?? fallback);
}

/** Fragments a person types in a flow, and some that nobody should. */
export const SNIPPETS = [
  'this.',
  'this.next(',
  'this.next(this.end);',
  ')',
  '(',
  '{',
  '}',
  "'",
  '"',
  '`',
  ',',
  ';',
  '\n',
  '  ',
  '@step ',
  '@retry({ times: 3 })\n',
  'inputs.',
  "{ foreach: '",
  "{ condition: 'x' }",
  '{ yes: this.a, no: this.b }',
  'extends FlowSpec ',
  'class X extends FlowSpec {',
  '/*',
  '*/',
  '//',
  '\u0000',
  '\ud83d',
  '🛒',
  'async ',
  '=>',
  '<',
  '>',
];

export const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/**
 * One random edit of `text`: a deletion, an insertion (a snippet or a piece of the text itself),
 * a truncation, or now and then (and whenever the text has worn down) back to `original`.
 */
export function randomEdit(
  rand: () => number,
  text: string,
  original: string,
): { change: TextDocumentContentChangeEvent; text: string } {
  const r = rand();
  if (text.length < 50 || r < 0.01) return { change: { text: original }, text: original };
  const at = Math.floor(rand() * text.length);
  let end = at;
  let insert = '';
  if (r < 0.45) {
    end = Math.min(text.length, at + 1 + Math.floor(rand() * 20)); // deletion
  } else if (r < 0.92) {
    insert = rand() < 0.8 ? pick(rand, SNIPPETS) : text.slice(at, at + Math.floor(rand() * 80)); // insertion
  } else {
    end = text.length; // truncation
  }
  return {
    change: { range: { start: offsetToPosition(text, at), end: offsetToPosition(text, end) }, text: insert },
    text: text.slice(0, at) + insert + text.slice(end),
  };
}

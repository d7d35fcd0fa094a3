// Navigation from the last good analysis while the current text has no recognisable flow (the
// class line itself is being edited). The edits since are usually one region: positions before it
// are unchanged, positions after it moved by a fixed offset, and positions inside it have no
// counterpart. So a query is mapped into the old text and every answer back into the new one,
// and anything that touches the edited region is dropped rather than shown in the wrong place.

import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from '../../runtime/src/graph/index.js';
import type { Analysis } from './documents.js';

export interface Mapping {
  /** The analysis to ask. */
  analysis: Analysis;
  /** A position of the current text → the analysed text (undefined: inside the edited region). */
  toAnalysis(pos: Position): Position | undefined;
  /** A range of the analysed text → the current text (undefined: it touches the edited region). */
  toCurrent(range: Range): Range | undefined;
}

export function identity(analysis: Analysis): Mapping {
  return { analysis, toAnalysis: (p) => p, toCurrent: (r) => r };
}

const documents = new WeakMap<Analysis, TextDocument>();

function documentOf(a: Analysis): TextDocument {
  let doc = documents.get(a);
  if (!doc) {
    doc = TextDocument.create(a.uri, 'typescript', a.version, a.text);
    documents.set(a, doc);
  }
  return doc;
}

/** Maps between `current` (the text now) and `good` (an older version that had a flow). */
export function between(current: Analysis, good: Analysis): Mapping {
  const a = good.text;
  const b = current.text;
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)
  ) {
    suffix++;
  }
  const oldDoc = documentOf(good);
  const newDoc = documentOf(current);
  /** An offset of one text → the other, when it is outside the edited region. */
  const shift = (offset: number, fromLength: number, toLength: number): number | undefined => {
    if (offset <= prefix) return offset;
    if (offset >= fromLength - suffix) return offset - fromLength + toLength;
    return undefined;
  };
  return {
    analysis: good,
    toAnalysis(pos) {
      const o = shift(newDoc.offsetAt(pos), b.length, a.length);
      return o === undefined ? undefined : oldDoc.positionAt(o);
    },
    toCurrent(range) {
      const s = shift(oldDoc.offsetAt(range.start), a.length, b.length);
      const e = shift(oldDoc.offsetAt(range.end), a.length, b.length);
      // A range that spans the edited region (a whole class or step) still maps, by its ends.
      if (s === undefined || e === undefined) return undefined;
      return { start: newDoc.positionAt(s), end: newDoc.positionAt(e) };
    },
  };
}

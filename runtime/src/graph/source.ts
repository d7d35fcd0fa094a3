// Parsing and positions. Only TypeScript's parser runs (no program, no type checker, no ts-morph
// Project): the graph is a syntactic property of the file, which keeps an analysis of a
// 1,000-line flow in the low milliseconds. The language server parses each keystroke
// incrementally (`SourceTrees`): TypeScript's incremental parser reuses every node outside the
// edited span, so a keystroke allocates a few nodes instead of a whole new tree.

import path from 'node:path';
import ts from 'typescript';
import type { Range } from './types.js';

// Read once: members of TypeScript's bundled namespace are getters, and this runs per node.
const lineAndCharacter = ts.getLineAndCharacterOfPosition;

const SCRIPT_KINDS: Readonly<Record<string, ts.ScriptKind>> = {
  ts: ts.ScriptKind.TS,
  mts: ts.ScriptKind.TS,
  cts: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
  js: ts.ScriptKind.JS,
  mjs: ts.ScriptKind.JS,
  cjs: ts.ScriptKind.JS,
  jsx: ts.ScriptKind.JSX,
};

/** The parsed file's name: only the extension matters (it picks the script kind: ts, tsx, js...). */
function virtualName(file: string): string {
  const ext = /\.(tsx|ts|mts|cts|jsx|js|mjs|cjs)$/i.exec(file)?.[1]?.toLowerCase() ?? 'ts';
  return `/__tsflow__/flow.${ext}`;
}

/** Parses `text` from scratch (with parent pointers: the extraction walks up the tree). */
export function parseSource(file: string, text: string): ts.SourceFile {
  const name = virtualName(file);
  const kind = SCRIPT_KINDS[name.slice(name.lastIndexOf('.') + 1)] ?? ts.ScriptKind.TS;
  return ts.createSourceFile(name, text, ts.ScriptTarget.ESNext, true, kind);
}

/** The one span where `a` and `b` differ (common prefix and suffix removed), as TypeScript wants it. */
export function changeRange(a: string, b: string): ts.TextChangeRange {
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix))
    suffix++;
  return ts.createTextChangeRange(
    ts.createTextSpan(prefix, a.length - prefix - suffix),
    b.length - prefix - suffix,
  );
}

/**
 * The latest tree of the few documents edited most recently, so that the next version of one is
 * parsed incrementally. The span is found by comparing the texts (not from the editor's change
 * events), so it is right whatever happened in between. Only a text without syntax errors is
 * parsed incrementally, from a tree without any; the result is the tree a full parse gives
 * (test/lsp/incremental.test.ts checks it over thousands of random edits). An incremental
 * parse invalidates the previous tree: callers keep plain data, never nodes.
 */
export class SourceTrees {
  private readonly trees = new Map<string, ts.SourceFile>();

  /** Keeps the trees of the `capacity` files parsed last (a person edits one or two at a time). */
  constructor(private readonly capacity = 4) {}

  parse(file: string, text: string): ts.SourceFile {
    const key = path.resolve(file);
    const previous = this.trees.get(key);
    this.trees.delete(key); // re-inserted last: the most recently used
    let tree: ts.SourceFile | undefined;
    if (previous && previous.text === text) tree = previous;
    else if (
      previous &&
      previous.fileName === virtualName(file) &&
      syntaxDiagnostics(previous).length === 0
    ) {
      // Only between texts without syntax errors: in error recovery the incremental parser can
      // miss an error a full parse reports (seen in the random-edit test), so a text with any
      // is parsed from scratch.
      try {
        const updated = ts.updateSourceFile(previous, text, changeRange(previous.text, text));
        if (syntaxDiagnostics(updated).length === 0) tree = updated;
      } catch {
        // An assertion of the incremental parser: the full parse below decides.
      }
    }
    tree ??= parseSource(file, text);
    this.trees.set(key, tree);
    while (this.trees.size > this.capacity) this.trees.delete(this.trees.keys().next().value!);
    return tree;
  }

  /** Drops the tree of `file` (its document closed, or an analysis of it failed midway). */
  forget(file: string): void {
    this.trees.delete(path.resolve(file));
  }
}

/** The parser's diagnostics: syntax errors only. `parseDiagnostics` is internal to TypeScript but
 * stable for years; the program-level fallback is slower but public. */
export function syntaxDiagnostics(sf: ts.SourceFile): readonly ts.Diagnostic[] {
  const internal = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics;
  if (Array.isArray(internal)) return internal;
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === sf.fileName ? sf : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === sf.fileName,
    readFile: () => undefined,
  };
  const options = { noLib: true, noResolve: true, target: ts.ScriptTarget.ESNext };
  return ts.createProgram([sf.fileName], options, host).getSyntacticDiagnostics(sf);
}

/** 0-based LSP range of `[start, end)` offsets. TypeScript offsets are UTF-16 code units, as in LSP. */
export function spanRange(sf: ts.SourceFile, start: number, end: number): Range {
  // Clamped: parser diagnostics at end of file may point one past the text.
  const max = sf.text.length;
  const s = lineAndCharacter(sf, Math.max(0, Math.min(start, max)));
  const e = lineAndCharacter(sf, Math.max(0, Math.min(Math.max(start, end), max)));
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

/** Range of a node without its leading trivia (comments, whitespace). */
export function nodeRange(sf: ts.SourceFile, node: ts.Node): Range {
  return spanRange(sf, node.getStart(sf), node.getEnd());
}

/** Range covering several sibling nodes, from the first's start to the last's end. */
export function nodesRange(sf: ts.SourceFile, first: ts.Node, last: ts.Node): Range {
  return spanRange(sf, first.getStart(sf), last.getEnd());
}

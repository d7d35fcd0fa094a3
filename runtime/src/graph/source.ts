// Parsing and positions. One ts-morph Project lives for the whole process: the language server
// calls the analyser on every keystroke, and re-creating a Project each time costs more than the
// parse itself. Only the parser runs (no program, no type checker): the graph is a syntactic
// property of the file, which keeps an analysis of a 1,000-line flow in the low milliseconds.

import { Project, type SourceFile, ts } from 'ts-morph';
import type { Range } from './types.js';

let project: Project | undefined;

// Read once: members of TypeScript's bundled namespace are getters, and this runs per node.
const lineAndCharacter = ts.getLineAndCharacterOfPosition;

function sharedProject(): Project {
  project ??= new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: { target: ts.ScriptTarget.ESNext, noLib: true, allowJs: true, jsx: ts.JsxEmit.Preserve },
  });
  return project;
}

/** Drops the shared project, e.g. after the parser failed midway, so the next parse starts clean. */
export function resetProject(): void {
  project = undefined;
}

/** The in-memory file name: only the extension matters (it picks the script kind: ts, tsx, js...). */
function virtualName(file: string): string {
  const ext = /\.(tsx|ts|mts|cts|jsx|js|mjs|cjs)$/i.exec(file)?.[1]?.toLowerCase() ?? 'ts';
  return `/__tsflow__/flow.${ext}`;
}

/**
 * Parses `text` into the shared project, replacing the previous version of the same virtual file
 * (so memory does not grow with the number of files or edits analysed).
 */
export function parseSource(file: string, text: string): SourceFile {
  return sharedProject().createSourceFile(virtualName(file), text, { overwrite: true });
}

/** The parser's diagnostics: syntax errors only. `parseDiagnostics` is internal to TypeScript but
 * stable for years; the program-level fallback is slower but public. */
export function syntaxDiagnostics(sourceFile: SourceFile): readonly ts.Diagnostic[] {
  const internal = (sourceFile.compilerNode as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] })
    .parseDiagnostics;
  if (Array.isArray(internal)) return internal;
  return sourceFile.getProject().getProgram().compilerObject.getSyntacticDiagnostics(sourceFile.compilerNode);
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

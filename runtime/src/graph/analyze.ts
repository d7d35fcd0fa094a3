// The entry points the CLI, the scheduler and the language server call: source in, graphs and
// every problem out. Never throws for what is in the text (half-typed code, garbage, an empty
// file); a bug in the analyser itself becomes an `internal-error` problem rather than a crash of
// the language server.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { extract } from './extract.js';
import { lintExtraction } from './lint.js';
import type { SourceTrees } from './source.js';
import type { AnalyzeOptions, FileAnalysis, LintProblem } from './types.js';

/**
 * Analyses `text` as the content of `file` (made absolute against the working directory).
 * `{ references: true }` also collects where each flow names its members (for editors). With
 * `trees` (an editor's), the text is parsed incrementally from the file's previous version there.
 */
export function analyzeSource(
  file: string,
  text: string,
  options: AnalyzeOptions = {},
  trees?: SourceTrees,
): FileAnalysis {
  const abs = path.resolve(file);
  try {
    const extraction = extract(abs, text, options, trees);
    const analysis: FileAnalysis = {
      file: abs,
      flows: extraction.flows.map((f) => f.graph),
      problems: lintExtraction(extraction),
    };
    if (options.references) {
      analysis.references = extraction.flows.map((f) => ({
        flow: f.graph.name,
        references: f.references ?? [],
      }));
    }
    return analysis;
  } catch (err) {
    trees?.forget(abs); // the parser may have failed midway through updating it
    // Pathological nesting (thousands of `{`) overflows TypeScript's recursive parser: that is
    // the input's doing, not a tsflow bug.
    const tooDeep = err instanceof RangeError && /call stack/i.test(err.message);
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const problem: LintProblem = {
      rule: tooDeep ? 'syntax-error' : 'internal-error',
      severity: 'error',
      message: tooDeep
        ? 'the code is nested too deeply to be parsed; simplify it'
        : `tsflow could not analyse this file (a bug in tsflow; please report it with the file): ${detail}`,
      file: abs,
      line: 1,
      column: 1,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    };
    return options.references
      ? { file: abs, flows: [], problems: [problem], references: [] }
      : { file: abs, flows: [], problems: [problem] };
  }
}

/** Reads and analyses a flow file. Rejects with a UserError (exit code 2) when it can't be read. */
export async function analyzeFile(file: string): Promise<FileAnalysis> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new UserError(`cannot read flow file ${file}: ${reason}`);
  }
  // Editors do not count a byte-order mark as a character; strip it so columns agree with them.
  return analyzeSource(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** `file:line:col: error [rule] message`, with the path relative to the working directory when under it. */
export function formatProblem(p: LintProblem, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, p.file);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p.file;
  return `${shown}:${p.line}:${p.column}: ${p.severity} [${p.rule}] ${p.message}`;
}

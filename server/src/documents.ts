// Open documents and their analyses: one analysis per document version, computed on first use
// (a request, or the debounced diagnostics) and shared by every feature, so a keystroke costs at
// most one parse. Documents that can't contain a flow are never parsed. The latest analysis that
// parsed cleanly is kept per document, so the DAG panel and name-based features keep working
// while the text is broken.

import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyzeSource,
  type FileAnalysis,
  type LintProblem,
  SourceTrees,
} from '../../runtime/src/graph/index.js';
import { between, identity, type Mapping } from './mapping.js';
import { isScript, uriToPath } from './paths.js';

/**
 * Larger documents are not analysed (about 25,000 lines: a generated or minified file is not a
 * flow anyone edits, and a megabyte of garbage takes seconds to parse).
 */
export const MAX_ANALYZED_CHARS = 1_000_000;

/** At most this many problems are published per document (garbage can produce hundreds of thousands). */
export const MAX_PROBLEMS = 1000;

/** The cheap pre-check: a flow file mentions FlowSpec (also via `tf.FlowSpec` or an alias import) and `extends`. */
export function mayContainFlow(text: string): boolean {
  return text.includes('FlowSpec') && /\bextends\b/.test(text);
}

export interface Analysis {
  uri: string;
  /** The path given to the graph module (`FlowGraph.file`, `LintProblem.file`). */
  file: string;
  version: number;
  /** The text of that version: every range in `result` is a position in it. */
  text: string;
  /** False when the pre-check says there is no flow: nothing was parsed, `result` is null. */
  flowFile: boolean;
  /** The graph module's answer (with member references), or null when not analysed. */
  result: FileAnalysis | null;
  /** True when the text has syntax errors (the graph may be partial). */
  syntaxErrors: boolean;
  /** Set when the document was too large to analyse. */
  tooLarge?: boolean;
}

interface State {
  current?: Analysis;
  /** The latest analysis with at least one flow and no syntax error. */
  lastGood?: Analysis;
}

/** An `internal-error` result for a failure outside the graph module's own guard. */
function failed(file: string, err: unknown): FileAnalysis {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  const problem: LintProblem = {
    rule: 'internal-error',
    severity: 'error',
    message: `tsflow could not analyse this file (a bug in tsflow; please report it with the file): ${detail}`,
    file,
    line: 1,
    column: 1,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
  return { file, flows: [], problems: [problem], references: [] };
}

/** Analyses one version of a document (incrementally from its tree in `trees`, if any). Never throws. */
export function analyzeText(
  uri: string,
  version: number,
  text: string,
  languageId?: string,
  analyze: typeof analyzeSource = analyzeSource,
  trees?: SourceTrees,
): Analysis {
  const file = uriToPath(uri);
  const base = { uri, file, version, text, syntaxErrors: false };
  if (!isScript(uri, languageId) || !mayContainFlow(text)) return { ...base, flowFile: false, result: null };
  if (text.length > MAX_ANALYZED_CHARS) return { ...base, flowFile: true, result: null, tooLarge: true };
  let result: FileAnalysis;
  let syntaxErrors = false;
  try {
    result = analyze(file, text, { references: true }, trees);
    syntaxErrors = result.problems.some((p) => p.rule === 'syntax-error');
  } catch (err) {
    trees?.forget(file);
    result = failed(file, err);
  }
  return { ...base, flowFile: true, result, syntaxErrors };
}

export class FlowDocuments {
  readonly documents = new TextDocuments(TextDocument);
  private readonly states = new Map<string, State>();
  /** The trees of the documents edited last: the next keystroke in one of them reparses incrementally. */
  private readonly trees = new SourceTrees();

  /** Injected in tests to simulate a crash of the analyser on one file. */
  constructor(private readonly analyze: typeof analyzeSource = analyzeSource) {}

  /** The analysis of the current version of an open document (undefined when it is not open). */
  get(uri: string): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    let state = this.states.get(uri);
    if (state?.current?.version === doc.version) return state.current;
    const analysis = analyzeText(uri, doc.version, doc.getText(), doc.languageId, this.analyze, this.trees);
    if (!state) {
      state = {};
      this.states.set(uri, state);
    }
    state.current = analysis;
    if (analysis.result && analysis.result.flows.length > 0 && !analysis.syntaxErrors)
      state.lastGood = analysis;
    return analysis;
  }

  /**
   * What position-based features ask: the current analysis when it has a flow (TypeScript's
   * parser recovers from most errors, so its ranges are exact), else the last good one, with
   * positions mapped across the edits since.
   */
  navigation(uri: string): Mapping | undefined {
    const current = this.get(uri);
    if (!current) return undefined;
    const good = this.states.get(uri)?.lastGood;
    if ((current.result && current.result.flows.length > 0) || !good) return identity(current);
    return between(current, good);
  }

  /** The latest version that parsed cleanly and had a flow (may be the current one). */
  lastGood(uri: string): Analysis | undefined {
    this.get(uri);
    return this.states.get(uri)?.lastGood;
  }

  /** True when the document's version is still `version` (work for an older one is stale). */
  isCurrent(uri: string, version: number): boolean {
    return this.documents.get(uri)?.version === version;
  }

  forget(uri: string): void {
    this.states.delete(uri);
    this.trees.forget(uriToPath(uri));
  }
}

// Lint problems → LSP diagnostics, published per document after edits (debounced). Every rule of
// the graph module, on its range, with related information, all at once. Files without a flow
// get no diagnostics and cost one substring search.

import {
  type Connection,
  type Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity,
  Location,
} from 'vscode-languageserver';
import type { LintProblem } from '../../runtime/src/graph/index.js';
import type { Analysis, FlowDocuments } from './documents.js';
import { MAX_ANALYZED_CHARS, MAX_PROBLEMS } from './documents.js';
import { pathToUri } from './paths.js';
import { DIAGNOSTIC_SOURCE } from './protocol.js';
import type { Debouncer } from './scheduler.js';

/** What a diagnostic carries in `data`, so a code action can find its problem again. */
export interface DiagnosticData {
  flow?: string;
  step?: string;
}

export function toDiagnostic(problem: LintProblem, doc: { uri: string; file: string }): Diagnostic {
  const d: Diagnostic = {
    range: problem.range,
    severity: problem.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
    code: problem.rule,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
  };
  const data: DiagnosticData = {};
  if (problem.flow !== undefined) data.flow = problem.flow;
  if (problem.step !== undefined) data.step = problem.step;
  d.data = data;
  if (problem.related && problem.related.length > 0) {
    d.relatedInformation = problem.related.map((r) =>
      DiagnosticRelatedInformation.create(Location.create(pathToUri(r.file, doc), r.range), r.message),
    );
  }
  return d;
}

/** The diagnostics of one analysis. `no-flow-class` is the CLI's business: an editor file without a flow is fine. */
export function diagnosticsOf(analysis: Analysis): Diagnostic[] {
  if (analysis.tooLarge) {
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Warning,
        code: 'too-large',
        source: DIAGNOSTIC_SOURCE,
        message: `this file is larger than ${MAX_ANALYZED_CHARS.toLocaleString('en-US')} characters: tsflow does not analyse it in the editor (run tsflow check).`,
      },
    ];
  }
  const result = analysis.result;
  if (!result || result.flows.length === 0) {
    // A file that merely mentions FlowSpec. Only a tsflow bug is worth showing there.
    return (result?.problems ?? [])
      .filter((p) => p.rule === 'internal-error')
      .map((p) => toDiagnostic(p, analysis));
  }
  const problems = result.problems.filter((p) => p.rule !== 'no-flow-class');
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => toDiagnostic(p, analysis));
  if (problems.length > MAX_PROBLEMS) {
    shown.push({
      range: problems[MAX_PROBLEMS]!.range,
      severity: DiagnosticSeverity.Warning,
      code: 'too-many-problems',
      source: DIAGNOSTIC_SOURCE,
      message: `${(problems.length - MAX_PROBLEMS).toLocaleString('en-US')} more problems in this file are not shown (run tsflow check).`,
    });
  }
  return shown;
}

/** Publishes diagnostics after edits: at most once per `delay` burst, only for the latest version. */
export class DiagnosticsPublisher {
  /** URIs whose last published set was not empty (so an empty set is sent only when it clears something). */
  private readonly nonEmpty = new Set<string>();
  /** The version last published per URI (open fires both open and change: publish once). */
  private readonly published = new Map<string, number>();
  /** When diagnostics were last computed per URI (performance.now()). */
  private readonly lastRun = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly docs: FlowDocuments,
    private readonly debouncer: Debouncer,
    private readonly delay: number,
    private readonly onPublished: (analysis: Analysis) => void,
  ) {}

  /**
   * After an edit. The first edit after a quiet spell is analysed at once (after the messages
   * already received), so a keystroke costs one analysis and no wait; edits that follow within
   * `delay` of an analysis wait for the burst to end, so fast typing costs one analysis per pause.
   */
  schedule(uri: string): void {
    const quiet = performance.now() - (this.lastRun.get(uri) ?? Number.NEGATIVE_INFINITY) >= this.delay;
    this.debouncer.schedule(`diagnostics:${uri}`, quiet ? 0 : this.delay, () => this.publish(uri));
  }

  /** Now (on open). */
  publishNow(uri: string): void {
    this.debouncer.cancel(`diagnostics:${uri}`);
    this.publish(uri);
  }

  private publish(uri: string): void {
    this.lastRun.set(uri, performance.now());
    const analysis = this.docs.get(uri);
    if (!analysis || this.published.get(uri) === analysis.version) return;
    this.published.set(uri, analysis.version);
    let diagnostics: Diagnostic[];
    try {
      diagnostics = diagnosticsOf(analysis);
    } catch (err) {
      diagnostics = [internalError(err)];
    }
    // Flow files always (a client can tell it was analysed); other files only to clear old ones.
    if (analysis.flowFile || diagnostics.length > 0 || this.nonEmpty.has(uri)) {
      void this.connection.sendDiagnostics({ uri, version: analysis.version, diagnostics });
    }
    if (diagnostics.length > 0) this.nonEmpty.add(uri);
    else this.nonEmpty.delete(uri);
    this.onPublished(analysis);
  }

  /** The document closed: clear what was shown for it. */
  clear(uri: string): void {
    this.debouncer.cancel(`diagnostics:${uri}`);
    this.published.delete(uri);
    this.lastRun.delete(uri);
    if (this.nonEmpty.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}

export function internalError(err: unknown): Diagnostic {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    code: 'internal-error',
    source: DIAGNOSTIC_SOURCE,
    message: `tsflow's language server failed on this file (a bug in tsflow; please report it with the file): ${detail}`,
  };
}

// The custom part of the tsflow language protocol: what the server and the VS Code client (or any
// other LSP client) agree on beyond standard LSP. ONE module, imported by both sides, so a method
// name or an argument shape can't drift. Everything here is plain JSON over the wire.
//
//   tsflow/graph          request       client → server   the flow graphs of a file (DAG panel)
//   tsflow/graphChanged   notification  server → client   the same, pushed after edits (debounced)
//   tsflow.runFlow        command       CodeLens → client run the flow in a terminal
//   tsflow.resumeFlow     command       CodeLens → client resume the flow's latest run
//   tsflow.showDag        command       CodeLens → client open the DAG panel on the flow

import { NotificationType, RequestType, type TextDocumentIdentifier } from 'vscode-languageserver-protocol';
import type { FlowGraph, LintProblem } from '../../runtime/src/graph/types.js';

export type { FlowGraph, LintProblem };

/** `source` of every diagnostic the server publishes (the `code` is the lint rule id). */
export const DIAGNOSTIC_SOURCE = 'tsflow';

/** Command ids the CodeLenses carry. The client implements them; the server never executes them. */
export const Commands = {
  runFlow: 'tsflow.runFlow',
  resumeFlow: 'tsflow.resumeFlow',
  showDag: 'tsflow.showDag',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The single argument of every CodeLens command: which flow of which file. */
export interface FlowCommandArgs {
  /** The document URI, as the client sent it. */
  uri: string;
  /** Absolute file-system path (what `tsflow run` takes). For a non-`file:` URI, a synthetic path. */
  file: string;
  /** The flow class name. */
  flow: string;
}

/** Parameters of `tsflow/graph`. */
export interface GraphParams {
  /** An open document, or any `file:` URI (then read from disk). */
  textDocument: TextDocumentIdentifier;
}

/** The answer of `tsflow/graph` and the payload of `tsflow/graphChanged`. */
export interface GraphResult {
  uri: string;
  /** Absolute file-system path (as in `FlowGraph.file`). */
  file: string;
  /** The document version the graphs were read from; null when read from disk. */
  version: number | null;
  /** Every flow class of the file, as the runtime's graph module extracts it (`tsflow graph --format json`). */
  flows: FlowGraph[];
  /**
   * The lint problems of that version (the same as the diagnostics, at most 1,000), so a panel
   * can say why the graph is incomplete.
   */
  problems: LintProblem[];
  /**
   * True when the current text can't be parsed (syntax errors): `flows`, `problems` and
   * `version` are then the last version that parsed, kept so the panel does not flicker while
   * the user types.
   */
  stale: boolean;
}

export const GraphRequest = {
  method: 'tsflow/graph',
  type: new RequestType<GraphParams, GraphResult, void>('tsflow/graph'),
} as const;

/**
 * Sent after a flow document is opened or edited (debounced, `graphDelay`) when its graph JSON
 * differs from the last one sent; once with `flows: []` when a document stops being a flow file.
 */
export const GraphChangedNotification = {
  method: 'tsflow/graphChanged',
  type: new NotificationType<GraphResult>('tsflow/graphChanged'),
} as const;

/** `initializationOptions` the server understands (all optional). */
export interface InitializationOptions {
  /** Milliseconds between the last edit and re-publishing diagnostics (default 15). */
  diagnosticsDelay?: number;
  /** Milliseconds between the last edit and `tsflow/graphChanged` (default 250). */
  graphDelay?: number;
}

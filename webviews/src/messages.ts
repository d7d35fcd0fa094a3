// The message contracts between the extension host and its webviews (the DAG panel and the
// artifact viewer). ONE module, imported by both sides. Messages from a webview are untrusted
// input (a webview runs arbitrary rendered content): the extension validates them with the
// `parse*` functions below before acting on them, and ignores anything else.

import type { FlowGraph } from '../../runtime/src/graph/types.js';

/** How a step of the selected run is doing, for colouring the DAG. */
export type StepRunStatus = 'pending' | 'running' | 'done' | 'failed';

export interface RunStatusSummary {
  /** `Flow/run`. */
  pathspec: string;
  status: 'running' | 'succeeded' | 'failed';
  /** Step name → status; steps not listed have not started. */
  steps: Record<string, StepRunStatus>;
}

// ---- DAG panel ----

export type ToDagMessage =
  | {
      type: 'graph';
      /** The flow drawn (one class of the file). */
      graph: FlowGraph;
      /** True while the source does not parse (the graph is the last one that did). */
      stale: boolean;
      /** Lint errors of the flow, shown above the graph. */
      problems: string[];
    }
  | { type: 'runStatus'; run: RunStatusSummary | null }
  | { type: 'error'; message: string };

export type FromDagMessage =
  | { type: 'ready' }
  | { type: 'openStep'; step: string }
  | { type: 'selectRun' }
  | { type: 'exportSvg'; svg: string }
  | { type: 'rendered'; nodes: number; ms: number };

// ---- Artifact viewer ----

/** One page of an artifact's value, in `artifactToJSON` form. */
export interface ArtifactPage {
  pathspec: string;
  /** `Array(6)`, `Map(3)`, `Float64Array(100)`, ... */
  type: string;
  size: number;
  /** Elements before this page (arrays, Maps, Sets, typed arrays); 0 for other values. */
  offset: number;
  /** Total elements, when the value is a collection; null otherwise. */
  total: number | null;
  /** The value of this page (for a collection: only the elements of the page). */
  value: unknown;
  /** The value's kind, which picks the renderer. */
  view: ArtifactView;
  /** For `image`: the MIME type of the bytes (PNG or JPEG) and the bytes as base64. */
  image?: { mime: 'image/png' | 'image/jpeg'; base64: string };
}

export type ArtifactView = 'table' | 'tree' | 'chart' | 'image' | 'text' | 'scalar';

export type ToArtifactMessage = { type: 'page'; page: ArtifactPage } | { type: 'error'; message: string };

export type FromArtifactMessage = { type: 'ready' } | { type: 'loadPage'; offset: number };

// ---- validation of what webviews send ----

const isObj = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null;

/** Largest SVG the extension accepts for export (a 100-step graph is well under 1 MB). */
export const MAX_SVG_BYTES = 16 * 1024 * 1024;

export function parseFromDag(m: unknown): FromDagMessage | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'selectRun':
      return { type: 'selectRun' };
    case 'openStep':
      return typeof m.step === 'string' && m.step.length > 0 && m.step.length < 512
        ? { type: 'openStep', step: m.step }
        : undefined;
    case 'exportSvg':
      return typeof m.svg === 'string' && m.svg.startsWith('<svg') && m.svg.length <= MAX_SVG_BYTES
        ? { type: 'exportSvg', svg: m.svg }
        : undefined;
    case 'rendered':
      return typeof m.nodes === 'number' && typeof m.ms === 'number'
        ? { type: 'rendered', nodes: m.nodes, ms: m.ms }
        : undefined;
    default:
      return undefined;
  }
}

export function parseFromArtifact(m: unknown): FromArtifactMessage | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'loadPage' && Number.isSafeInteger(m.offset) && (m.offset as number) >= 0)
    return { type: 'loadPage', offset: m.offset as number };
  return undefined;
}

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
      /** Drawings of this graph kept from earlier panels: shown at once when one matches. */
      cached?: CachedSvg[];
    }
  | { type: 'runStatus'; run: RunStatusSummary | null }
  | { type: 'error'; message: string };

export type FromDagMessage =
  | { type: 'ready' }
  | { type: 'openStep'; step: string }
  | { type: 'selectRun' }
  | { type: 'exportSvg'; svg: string }
  /**
   * A graph was drawn: `nodes` drawn, `ms` since the graph arrived (waiting for Mermaid to load
   * included), `at` the page's clock when drawn (ms since the webview page started loading).
   */
  | { type: 'rendered'; nodes: number; ms: number; at?: number; cached?: boolean; keep?: CachedSvg };

/**
 * A drawn graph the extension keeps (workspace state) so that reopening a panel shows it without
 * waiting for Mermaid: the exact Mermaid source (no run colouring), the Mermaid theme and the SVG.
 */
export interface CachedSvg {
  source: string;
  theme: string;
  svg: string;
}

/** Largest SVG kept for reopening (a 100-step graph is ~250 KB). */
export const MAX_CACHED_SVG_BYTES = 2 * 1024 * 1024;

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
      if (typeof m.nodes !== 'number' || typeof m.ms !== 'number') return undefined;
      return {
        type: 'rendered',
        nodes: m.nodes,
        ms: m.ms,
        ...(typeof m.at === 'number' ? { at: m.at } : {}),
        ...(m.cached === true ? { cached: true } : {}),
        ...(isCachedSvg(m.keep)
          ? { keep: { source: m.keep.source, theme: m.keep.theme, svg: m.keep.svg } }
          : {}),
      };
    default:
      return undefined;
  }
}

function isCachedSvg(c: unknown): c is CachedSvg {
  return (
    isObj(c) &&
    typeof c.source === 'string' &&
    c.source.length < MAX_CACHED_SVG_BYTES &&
    typeof c.theme === 'string' &&
    c.theme.length < 64 &&
    typeof c.svg === 'string' &&
    c.svg.startsWith('<svg') &&
    c.svg.length <= MAX_CACHED_SVG_BYTES
  );
}

export function parseFromArtifact(m: unknown): FromArtifactMessage | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'loadPage' && Number.isSafeInteger(m.offset) && (m.offset as number) >= 0)
    return { type: 'loadPage', offset: m.offset as number };
  return undefined;
}

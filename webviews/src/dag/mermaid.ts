// Mermaid source for the DAG panel: the flow's steps with a shape per kind (start/end stadiums,
// foreach splits as subroutines with thick labelled edges, switches as hexagons with dotted case
// edges, joins as trapezoids), dashed placeholders for targets that don't exist yet (the user is
// typing), and one class per run status so the panel colours nodes by the selected run. Node ids
// are the runtime's `mermaidNodeId` (injective, never a Mermaid keyword), so a clicked node maps
// back to its step. Pure: runs in the webview, in the tests and in the bench.

import { mermaidNodeId } from '../../../runtime/src/graph/render.js';
import type { FlowGraph, StepNode } from '../../../runtime/src/graph/types.js';
import type { RunStatusSummary, StepRunStatus } from '../messages.js';

export { mermaidNodeId };

/** Characters a label keeps as they are: ASCII letters, digits, space and `_`, and non-ASCII
 * characters that are not spaces, controls or the first characters of Mermaid's entity
 * placeholders (`ﬂ°…¶ß`). */
const KEPT = /^[A-Za-z0-9 _]$|^[^\p{ASCII}\p{Z}\p{C}\uFB02\u00B6]$/u;

/**
 * Text of a quoted Mermaid label, drawn as exactly `text` (line breaks as spaces): any other
 * character is written as a numeric entity code (`<` as `#60;`), so none is left for Mermaid's
 * syntax, its `#name;` codes and the style-line rewrite of its entity step, HTML, markdown
 * (backticks), KaTeX (`$$`), line breaks (`\n`, `<br>`) or directives (`%%{`). Mermaid decodes
 * numeric codes in node labels (through DOMPurify's HTML parse) but only `&amp;`, `&lt;` and
 * `&gt;` in SVG edge labels: the panel's bundle decodes them all (scripts/mermaid-bundle.mjs).
 */
export function mermaidText(text: string): string {
  const encoded = text
    .replace(/[\r\n]+/g, ' ')
    .replace(/./gsu, (c) => (KEPT.test(c) ? c : `#${c.codePointAt(0)};`));
  return `"${encoded}"`;
}

export type EdgeKind = 'plain' | 'foreach' | 'switch';

export interface DagEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export function dagEdges(graph: FlowGraph): DagEdge[] {
  const out: DagEdge[] = [];
  for (const step of graph.steps) {
    const t = step.transition;
    if (!t || step.isEnd) continue;
    if (t.switchCases) {
      const byTarget = new Map<string, string[]>();
      for (const [key, target] of Object.entries(t.switchCases)) {
        byTarget.set(target, [...(byTarget.get(target) ?? []), key]);
      }
      for (const [to, keys] of byTarget)
        out.push({ from: step.name, to, kind: 'switch', label: keys.join(' / ') });
    } else if (t.foreach !== undefined) {
      for (const to of step.next)
        out.push({ from: step.name, to, kind: 'foreach', label: `foreach ${t.foreach}` });
    } else {
      for (const to of step.next) out.push({ from: step.name, to, kind: 'plain' });
    }
  }
  return out;
}

function nodeShape(step: StepNode): string {
  const id = mermaidNodeId(step.name);
  const label = mermaidText(step.name);
  if (step.isStart || step.isEnd) return `${id}([${label}])`;
  switch (step.kind) {
    case 'split-switch':
      return `${id}{{${label}}}`;
    case 'split-foreach':
      return `${id}[[${label}]]`;
    case 'join':
      return `${id}[/${label}\\]`;
    default:
      return `${id}[${label}]`;
  }
}

/** The classes a node carries: its kind (`k_*`) and, with a run selected, its status (`st_*`). */
export function nodeClasses(step: StepNode, run: RunStatusSummary | null | undefined): string[] {
  const out: string[] = [];
  if (step.isStart || step.isEnd) out.push('k_terminal');
  if (step.kind === 'split-foreach') out.push('k_foreach');
  if (step.kind === 'split-switch') out.push('k_switch');
  if (step.kind === 'join') out.push('k_join');
  if (run) out.push(`st_${run.steps[step.name] ?? 'pending'}`);
  return out;
}

export const STATUS_CLASSES: readonly StepRunStatus[] = ['pending', 'running', 'done', 'failed'];

export interface MermaidOptions {
  /** `TD` (default) or `LR`; wide flows read better left to right. */
  direction?: 'TD' | 'LR';
}

/** Mermaid `flowchart` source of one flow, coloured by `run` when given. */
export function dagToMermaid(
  graph: FlowGraph,
  run?: RunStatusSummary | null,
  opts: MermaidOptions = {},
): string {
  const lines = [`flowchart ${opts.direction ?? 'TD'}`];
  for (const s of graph.steps) lines.push(`  ${nodeShape(s)}`);
  const known = new Set(graph.steps.map((s) => s.name));
  const edges = dagEdges(graph);
  const missing = [...new Set(edges.map((e) => e.to).filter((t) => !known.has(t)))];
  for (const m of missing) lines.push(`  ${mermaidNodeId(m)}[${mermaidText(`${m} ?`)}]`);
  for (const e of edges) {
    const label = e.label === undefined ? '' : `|${mermaidText(e.label)}|`;
    const arrow = e.kind === 'foreach' ? '==>' : e.kind === 'switch' ? '-.->' : '-->';
    lines.push(`  ${mermaidNodeId(e.from)} ${arrow}${label} ${mermaidNodeId(e.to)}`);
  }
  // Styles live in the panel's CSS (theme colours); classDefs only declare the classes.
  for (const c of [
    'k_terminal',
    'k_foreach',
    'k_switch',
    'k_join',
    'k_missing',
    ...STATUS_CLASSES.map((s) => `st_${s}`),
  ])
    lines.push(`  classDef ${c} stroke-width:2px`);
  const byClass = new Map<string, string[]>();
  for (const s of graph.steps) {
    for (const c of nodeClasses(s, run)) byClass.set(c, [...(byClass.get(c) ?? []), mermaidNodeId(s.name)]);
  }
  if (missing.length > 0) byClass.set('k_missing', missing.map(mermaidNodeId));
  for (const [c, ids] of byClass) lines.push(`  class ${ids.join(',')} ${c}`);
  return `${lines.join('\n')}\n`;
}

/** Each graph's steps by node id: the panel maps every drawn node back, at each render. */
const stepsByNodeId = new WeakMap<FlowGraph, Map<string, string>>();

/**
 * Step name of a rendered node's DOM id, given the graph drawn: `flowchart-s_join-3`, which
 * Mermaid 11 prefixes with the render id (`dag1-flowchart-s_join-3`).
 */
export function stepOfElementId(graph: FlowGraph, elementId: string): string | undefined {
  const m = /(?:^|-)flowchart-(s_[A-Za-z0-9_]+)-\d+$/.exec(elementId);
  if (!m) return undefined;
  let steps = stepsByNodeId.get(graph);
  if (!steps) {
    steps = new Map();
    for (const s of graph.steps)
      if (!steps.has(mermaidNodeId(s.name))) steps.set(mermaidNodeId(s.name), s.name);
    stepsByNodeId.set(graph, steps);
  }
  return steps.get(m[1]!);
}

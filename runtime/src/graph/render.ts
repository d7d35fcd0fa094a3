// Text renderings of a flow graph: Mermaid (the DAG panel, markdown) and Graphviz DOT
// (`tsflow graph --format dot`). Step names are escaped everywhere they appear: a graph is drawn
// while the user types, so a half-typed name can contain anything.

import type { FlowGraph, StepNode } from './types.js';

interface Edge {
  from: string;
  to: string;
  label?: string;
}

/** Edges as a user reads them: one per successor, labelled for foreach and switch cases. */
function edgesOf(step: StepNode): Edge[] {
  const t = step.transition;
  if (!t || step.isEnd) return [];
  if (t.switchCases) {
    // Several cases may go to one step: one edge, labelled with every case.
    const labels = new Map<string, string[]>();
    for (const [key, target] of Object.entries(t.switchCases)) {
      const keys = labels.get(target) ?? [];
      keys.push(key);
      labels.set(target, keys);
    }
    return [...labels].map(([to, keys]) => ({ from: step.name, to, label: keys.join(' / ') }));
  }
  if (t.foreach !== undefined)
    return step.next.map((to) => ({ from: step.name, to, label: `foreach ${t.foreach}` }));
  return step.next.map((to) => ({ from: step.name, to }));
}

/** Targets that are not steps (unknown names while typing), drawn as dashed placeholders. */
function missingTargets(graph: FlowGraph): string[] {
  const known = new Set(graph.steps.map((s) => s.name));
  const out = new Set<string>();
  for (const s of graph.steps) for (const e of edgesOf(s)) if (!known.has(e.to)) out.add(e.to);
  return [...out];
}

/**
 * The Mermaid node id of a step: `s_` + the name with `_` doubled and any other character outside
 * [A-Za-z0-9] written as `_<hex>_`. Injective, never a Mermaid keyword (`end`!), and computable by
 * the DAG panel to map a clicked node back to its step.
 */
export function mermaidNodeId(step: string): string {
  return `s_${step.replace(/[^A-Za-z0-9]/g, (c) => (c === '_' ? '__' : `_${c.codePointAt(0)!.toString(16)}_`))}`;
}

/** Text inside a quoted Mermaid label: entity codes for what Mermaid or HTML would interpret. */
function mermaidLabel(text: string): string {
  const entities: Record<string, string> = {
    '"': '#quot;',
    '#': '#35;',
    '<': '#lt;',
    '>': '#gt;',
    '&': '#amp;',
  };
  return `"${text.replace(/[\r\n]+/g, ' ').replace(/["#<>&]/g, (c) => entities[c]!)}"`;
}

function mermaidNode(step: StepNode): string {
  const id = mermaidNodeId(step.name);
  const label = mermaidLabel(step.name);
  if (step.isStart || step.isEnd) return `${id}([${label}])`;
  if (step.kind === 'split-switch') return `${id}{{${label}}}`;
  return `${id}[${label}]`;
}

/** `flowchart TD` with start/end as stadiums, switches as hexagons, labelled foreach and case edges. */
export function toMermaid(graph: FlowGraph): string {
  const lines = ['flowchart TD'];
  for (const s of graph.steps) lines.push(`  ${mermaidNode(s)}`);
  const missing = missingTargets(graph);
  for (const name of missing) lines.push(`  ${mermaidNodeId(name)}[${mermaidLabel(`${name} ?`)}]`);
  for (const s of graph.steps) {
    for (const e of edgesOf(s)) {
      const arrow = e.label === undefined ? '-->' : `-->|${mermaidLabel(e.label)}|`;
      lines.push(`  ${mermaidNodeId(e.from)} ${arrow} ${mermaidNodeId(e.to)}`);
    }
  }
  lines.push('  classDef terminal fill:#e8f0fe,stroke:#1a73e8,stroke-width:2px');
  lines.push('  classDef switch fill:#fef7e0,stroke:#f9ab00');
  lines.push('  classDef missing stroke-dasharray:4 4,color:#a50e0e,stroke:#a50e0e');
  const byClass = (ids: string[], cls: string) => {
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${cls}`);
  };
  byClass(
    graph.steps.filter((s) => s.isStart || s.isEnd).map((s) => mermaidNodeId(s.name)),
    'terminal',
  );
  byClass(
    graph.steps.filter((s) => s.kind === 'split-switch').map((s) => mermaidNodeId(s.name)),
    'switch',
  );
  byClass(missing.map(mermaidNodeId), 'missing');
  return `${lines.join('\n')}\n`;
}

/** A DOT double-quoted string. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

function dotAttrs(step: StepNode): string {
  if (step.isStart || step.isEnd) return ' [shape=oval, style=bold]';
  if (step.kind === 'split-switch') return ' [shape=hexagon]';
  return '';
}

/** Graphviz `digraph` named after the flow, with the same shapes and edge labels as Mermaid. */
export function toDot(graph: FlowGraph): string {
  const lines = [`digraph ${dotString(graph.name)} {`, '  rankdir=TB;', '  node [shape=box, style=rounded];'];
  for (const s of graph.steps) lines.push(`  ${dotString(s.name)}${dotAttrs(s)};`);
  for (const name of missingTargets(graph)) {
    lines.push(`  ${dotString(name)} [style=dashed, color=red, label=${dotString(`${name} ?`)}];`);
  }
  for (const s of graph.steps) {
    for (const e of edgesOf(s)) {
      const label = e.label === undefined ? '' : ` [label=${dotString(e.label)}]`;
      lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${label};`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

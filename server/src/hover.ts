// Hover on a step (its name, or `this.x` / `inputs.x` naming it): kind, decorators, predecessors
// and successors, the artifacts it assigns and reads. On an artifact: where it is assigned and read.

import { type Hover, MarkupKind } from 'vscode-languageserver';
import type { Position, StepNode } from '../../runtime/src/graph/index.js';
import type { Analysis } from './documents.js';
import { artifactReferences, type FlowView, targetAt } from './lookup.js';

const KIND_LABELS: Record<StepNode['kind'], string> = {
  start: 'start step',
  linear: 'linear step',
  'split-static': 'static split',
  'split-foreach': 'foreach split',
  'split-switch': 'switch',
  join: 'join',
  end: 'end step',
};

/** A short description of a step's kind: `join`, `foreach split (start)`... */
export function stepKindLabel(step: StepNode): string {
  const label = KIND_LABELS[step.kind];
  return step.isStart && step.kind !== 'start' ? `${label} (start)` : label;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const list = (names: string[]) => (names.length > 0 ? names.map(code).join(', ') : '—');

function stepHover(view: FlowView, step: StepNode): string {
  const lines: string[] = [`**${view.graph.name}.${step.name}**: ${stepKindLabel(step)}`, ''];
  const t = step.transition;
  if (t?.foreach !== undefined) lines.push(`One task per element of ${code(t.foreach)}.`, '');
  if (t?.condition !== undefined) lines.push(`Goes where ${code(t.condition)} says.`, '');
  if (step.matchingJoin) lines.push(`Closed by the join ${code(step.matchingJoin)}.`, '');
  if (step.matchingSplit) lines.push(`Closes the split at ${code(step.matchingSplit)}.`, '');
  const decorators = step.decorators.map((d) => `@${d.name}${d.argsText !== null ? `(${d.argsText})` : ''}`);
  lines.push(`- decorators: ${list(decorators)}`);
  lines.push(`- predecessors: ${list(step.prev)}`);
  if (t?.switchCases) {
    const cases = Object.entries(t.switchCases).map(([k, v]) => `${k} → ${v}`);
    lines.push(`- successors: ${list(cases)}`);
  } else {
    lines.push(`- successors: ${list(step.next)}`);
  }
  lines.push(`- assigns: ${list(step.assigns)}`);
  lines.push(`- reads: ${list(step.reads)}`);
  if (step.doc) lines.push('', step.doc);
  return lines.join('\n');
}

function artifactHover(view: FlowView, name: string): string {
  const param = view.parameters.get(name);
  const lines: string[] = [];
  if (param) {
    lines.push(`**${view.graph.name}.${name}**: parameter ${code(`--${param.name}`)}`, '');
    const facts = [`type ${param.type ?? 'unknown'}`];
    if (param.defaultText !== undefined) facts.push(`default ${code(param.defaultText)}`);
    if (param.required) facts.push('required');
    lines.push(`${facts.join(', ')}.`);
    if (param.help) lines.push('', param.help);
  } else {
    lines.push(`**${view.graph.name}.${name}**: artifact`);
  }
  const refs = artifactReferences(view, name);
  const assignedIn = new Set<string>();
  const readIn = new Set<string>();
  for (const s of view.graph.steps) {
    if (s.assigns.includes(name)) assignedIn.add(s.name);
    if (s.reads.includes(name)) readIn.add(s.name);
  }
  const declared = refs.some((r) => r.kind === 'field');
  lines.push('', `- assigned in: ${list([...(declared ? ['(field)'] : []), ...assignedIn])}`);
  lines.push(`- read in: ${list([...readIn])}`);
  return lines.join('\n');
}

export function hover(analysis: Analysis | undefined, pos: Position): Hover | null {
  const target = targetAt(analysis, pos);
  if (!target) return null;
  const value =
    target.kind === 'step' ? stepHover(target.view, target.step) : artifactHover(target.view, target.name);
  return { contents: { kind: MarkupKind.Markdown, value }, range: target.range };
}

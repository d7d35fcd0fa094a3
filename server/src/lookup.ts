// What is at a position: the flow, the step, and the step or artifact a name refers to. Built on
// the graph module's ranges and member references; shared by hover, navigation, rename and
// completion so they always agree on what a name means.

import type {
  FlowGraph,
  MemberReference,
  ParameterInfo,
  Position,
  Range,
  StepNode,
} from '../../runtime/src/graph/index.js';
import { IDENTIFIER_PATTERN } from '../../runtime/src/graph/names.js';
import type { Analysis } from './documents.js';

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** `range` contains `pos`, its end included (a cursor right after a name is on the name). */
export function contains(range: Range, pos: Position): boolean {
  return comparePositions(range.start, pos) <= 0 && comparePositions(pos, range.end) <= 0;
}

/** One flow of a document with the lookups the features need. */
export interface FlowView {
  graph: FlowGraph;
  references: MemberReference[];
  steps: Map<string, StepNode>;
  /** Artifact names: assigned or read by steps, declared as fields, parameters, foreach/condition. */
  artifacts: Set<string>;
  parameters: Map<string, ParameterInfo>;
}

const views = new WeakMap<Analysis, FlowView[]>();

/** The flows of an analysis (empty when it has none), built once per analysis. */
export function flowViews(analysis: Analysis | undefined): FlowView[] {
  if (!analysis?.result) return [];
  let out = views.get(analysis);
  if (out) return out;
  const result = analysis.result;
  out = result.flows.map((graph, i) => {
    const references = result.references?.[i]?.references ?? [];
    const steps = new Map(graph.steps.map((s) => [s.name, s] as const));
    const artifacts = new Set<string>();
    for (const s of graph.steps) {
      for (const a of s.assigns) artifacts.add(a);
      for (const r of s.reads) artifacts.add(r);
    }
    for (const p of graph.parameters) artifacts.add(p.field);
    for (const r of references) {
      if ((r.kind === 'field' || r.kind === 'option') && IDENTIFIER_PATTERN.test(r.name))
        artifacts.add(r.name);
    }
    for (const name of steps.keys()) artifacts.delete(name);
    return {
      graph,
      references,
      steps,
      artifacts,
      parameters: new Map(graph.parameters.map((p) => [p.field, p])),
    };
  });
  views.set(analysis, out);
  return out;
}

export function flowAt(analysis: Analysis | undefined, pos: Position): FlowView | undefined {
  return flowViews(analysis).find((v) => contains(v.graph.range, pos));
}

export function flowNamed(analysis: Analysis | undefined, name: string): FlowView | undefined {
  return flowViews(analysis).find((v) => v.graph.name === name);
}

/** The step whose method (decorators included) contains `pos`. */
export function stepAt(view: FlowView, pos: Position): StepNode | undefined {
  return view.graph.steps.find((s) => contains(s.range, pos));
}

/** A step or an artifact named at a position, with the range of the name under the cursor. */
export type Target =
  | { kind: 'step'; view: FlowView; step: StepNode; range: Range; declaration: boolean }
  | { kind: 'artifact'; view: FlowView; name: string; range: Range };

/** What the name at `pos` refers to, if it is a step or an artifact of the flow around it. */
export function targetAt(analysis: Analysis | undefined, pos: Position): Target | undefined {
  const view = flowAt(analysis, pos);
  if (!view) return undefined;
  for (const step of view.graph.steps) {
    if (contains(step.nameRange, pos))
      return { kind: 'step', view, step, range: step.nameRange, declaration: true };
  }
  for (const ref of view.references) {
    if (!contains(ref.range, pos)) continue;
    const step = ref.kind === 'this' || ref.kind === 'inputs' ? view.steps.get(ref.name) : undefined;
    if (step) return { kind: 'step', view, step, range: ref.range, declaration: false };
    if (ref.kind !== 'inputs' && view.artifacts.has(ref.name)) {
      return { kind: 'artifact', view, name: ref.name, range: ref.range };
    }
  }
  return undefined;
}

/** Every reference to a step: `this.x` anywhere in the class and `inputs.x` in joins. */
export function stepReferences(view: FlowView, name: string): MemberReference[] {
  return view.references.filter((r) => r.name === name && (r.kind === 'this' || r.kind === 'inputs'));
}

/** Every mention of an artifact: `this.x`, field declarations and foreach/condition options. */
export function artifactReferences(view: FlowView, name: string): MemberReference[] {
  return view.references.filter((r) => r.name === name && r.kind !== 'inputs');
}

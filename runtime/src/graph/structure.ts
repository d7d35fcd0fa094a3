// The shape of the graph once steps and their transitions are known: kinds, successors,
// predecessors, reachability and a stable order. Shared by extraction (to fill in the JSON) and by
// the linter (which may be handed a graph read back from JSON). Everything is linear in the number
// of steps and edges.

import type { FlowGraph, StepKind, StepNode } from './types.js';

/** Lookups the graph algorithms share. */
export interface GraphIndex {
  byName: Map<string, StepNode>;
  /** Steps reachable from the start (empty when there is no start step). */
  reachable: Set<string>;
}

export function indexGraph(graph: FlowGraph): GraphIndex {
  const byName = new Map(graph.steps.map((s) => [s.name, s] as const));
  const reachable = new Set<string>();
  const start = graph.start !== null ? byName.get(graph.start) : undefined;
  if (start) {
    const queue = [start];
    reachable.add(start.name);
    for (let i = 0; i < queue.length; i++) {
      for (const t of queue[i]!.next) {
        const target = byName.get(t);
        if (target && !reachable.has(t)) {
          reachable.add(t);
          queue.push(target);
        }
      }
    }
  }
  return { byName, reachable };
}

/** A step with an `inputs` parameter: it merges incoming branches (whatever its transition). */
export function takesInputs(step: StepNode): boolean {
  return step.paramCount >= 1;
}

/**
 * Edges the graph algorithms follow: to known steps, never to the start (reported by its own
 * rule), and not a switch's edge back to itself (the one loop tsflow allows).
 */
export function flowEdges(step: StepNode, index: GraphIndex, start: string | null): string[] {
  return step.next.filter(
    (t) => index.byName.has(t) && t !== start && !(t === step.name && step.kind === 'split-switch'),
  );
}

function kindOf(step: StepNode): StepKind {
  const t = step.transition;
  if (step.isEnd) return 'end';
  if (t?.switchCases) return 'split-switch';
  if (t?.foreach !== undefined) return 'split-foreach';
  if (t && t.targets.length >= 2) return 'split-static';
  if (step.paramCount >= 1) return 'join';
  return step.isStart ? 'start' : 'linear';
}

/**
 * Fills `kind`, `next`, `prev` and the order of `graph.steps` from each step's transition.
 * `prev` lists predecessors in the order a breadth-first walk from the start meets them, then
 * edges out of unreachable steps. The order is the reverse post-order of a depth-first walk that
 * takes branches in written order: topological for a valid flow, each branch listed before the
 * next, unreachable steps last in source order.
 */
export function computeStructure(graph: FlowGraph): void {
  for (const step of graph.steps) {
    step.next = step.isEnd || !step.transition ? [] : [...new Set(step.transition.targets)];
    step.kind = kindOf(step);
    step.prev = [];
  }
  const index = indexGraph(graph);
  const visitEdges = (from: StepNode): void => {
    for (const t of from.next) {
      const target = index.byName.get(t);
      if (target && !target.prev.includes(from.name)) target.prev.push(from.name);
    }
  };
  // A second breadth-first walk (indexGraph's only keeps the set) records `prev` in meeting order.
  const start = graph.start !== null ? index.byName.get(graph.start) : undefined;
  if (start) {
    const queue = [start];
    const seen = new Set([start.name]);
    for (let i = 0; i < queue.length; i++) {
      const s = queue[i]!;
      visitEdges(s);
      for (const t of s.next) {
        const target = index.byName.get(t);
        if (target && !seen.has(t)) {
          seen.add(t);
          queue.push(target);
        }
      }
    }
  }
  for (const s of graph.steps) if (!index.reachable.has(s.name)) visitEdges(s);
  graph.steps = stableOrder(graph, index);
}

/** Reverse post-order of an iterative depth-first walk from the start, then the rest. */
function stableOrder(graph: FlowGraph, index: GraphIndex): StepNode[] {
  const post: StepNode[] = [];
  const visited = new Set<string>();
  const start = graph.start !== null ? index.byName.get(graph.start) : undefined;
  if (start) {
    // Children are taken from the end (last branch first) so that after the final reversal the
    // first branch comes first.
    const stack: { step: StepNode; children: string[] }[] = [];
    const enter = (s: StepNode) => {
      visited.add(s.name);
      stack.push({ step: s, children: s.next.filter((t) => t !== s.name) });
    };
    enter(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const child = top.children.pop();
      if (child === undefined) {
        post.push(top.step);
        stack.pop();
        continue;
      }
      const target = index.byName.get(child);
      if (target && !visited.has(child)) enter(target);
    }
  }
  post.reverse();
  for (const s of graph.steps) if (!visited.has(s.name)) post.push(s);
  return post;
}

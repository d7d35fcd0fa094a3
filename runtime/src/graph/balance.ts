// Split/join balance: every static split and foreach must be closed by exactly one join that
// receives all of its branches, and only those. Walks the reachable steps in topological order
// carrying, for each edge, the stack of open splits (`{ split, branch }` frames): a split pushes a
// frame per branch, a join pops one, a switch passes the stack through unchanged (its paths need no
// join). Once a problem is found, everything downstream of it is "tainted" and stays quiet: one
// mistake gives one diagnostic, not a cascade.

import { flowEdges, type GraphIndex, takesInputs } from './structure.js';
import type { FlowGraph, StepNode } from './types.js';

export interface Frame {
  split: string;
  branch: string;
}

export type BalanceRule =
  | 'unclosed-split'
  | 'join-branch-mismatch'
  | 'join-without-split'
  | 'cross-join'
  | 'join-missing-inputs';

export interface BalanceIssue {
  rule: BalanceRule;
  /** The step the problem is reported on. */
  step: string;
  message: string;
  /** Split steps the message refers to, for related information. */
  splits: string[];
}

export interface BalanceResult {
  /** False when the reachable graph has a cycle: balance is then undefined and nothing is reported. */
  checked: boolean;
  /** Split step → the join that closes it. */
  joins: Map<string, string>;
  issues: BalanceIssue[];
}

interface Arrival {
  from: string;
  stack: readonly Frame[];
  tainted: boolean;
}

const key = (stack: readonly Frame[]): string => stack.map((f) => `${f.split}/${f.branch}`).join('|');
const list = (names: Iterable<string>): string => [...names].join(', ');
/** Which split an arrival belongs to, and inside what: equal for branches of one split. */
const context = (stack: readonly Frame[]): string =>
  stack.length > 0 ? `${key(stack.slice(0, -1))}>${stack.at(-1)!.split}` : '';

function commonPrefix(stacks: (readonly Frame[])[]): Frame[] {
  const first = stacks[0] ?? [];
  let n = first.length;
  for (const s of stacks) {
    n = Math.min(n, s.length);
    for (let i = 0; i < n; i++) {
      if (s[i]!.split !== first[i]!.split || s[i]!.branch !== first[i]!.branch) n = i;
    }
  }
  return first.slice(0, n);
}

/** Topological order of the reachable steps (Kahn), or null when there is a cycle. */
function topologicalOrder(graph: FlowGraph, index: GraphIndex): StepNode[] | null {
  const indegree = new Map<string, number>();
  for (const name of index.reachable) indegree.set(name, 0);
  for (const name of index.reachable) {
    for (const t of flowEdges(index.byName.get(name)!, index, graph.start)) {
      indegree.set(t, (indegree.get(t) ?? 0) + 1);
    }
  }
  const order: StepNode[] = [];
  const queue = graph.start !== null && indegree.get(graph.start) === 0 ? [graph.start] : [];
  for (let i = 0; i < queue.length; i++) {
    const step = index.byName.get(queue[i]!)!;
    order.push(step);
    for (const t of flowEdges(step, index, graph.start)) {
      const d = indegree.get(t)! - 1;
      indegree.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  return order.length === index.reachable.size ? order : null;
}

export function checkBalance(graph: FlowGraph, index: GraphIndex): BalanceResult {
  const result: BalanceResult = { checked: false, joins: new Map(), issues: [] };
  const order = topologicalOrder(graph, index);
  if (!order) return result;
  result.checked = true;
  const arrivals = new Map<string, Arrival[]>();
  const report = (rule: BalanceRule, step: string, message: string, splits: string[]) =>
    result.issues.push({ rule, step, message, splits });
  const branchesOf = (split: string): string[] =>
    flowEdges(index.byName.get(split)!, index, graph.start).filter((t) => t !== split);
  const inputsHint = (step: string) => `${step}(inputs: Inputs<${graph.name}>)`;

  for (const step of order) {
    const incoming = arrivals.get(step.name) ?? [];
    const quiet = incoming.some((a) => a.tainted);
    let taint = quiet;
    let stack: readonly Frame[] = [];

    if (step.name === graph.start) {
      stack = [];
    } else if (takesInputs(step)) {
      const open = incoming.filter((a) => a.stack.length > 0);
      const contexts = new Set(incoming.map((a) => context(a.stack)));
      if (open.length === 0) {
        if (!quiet) {
          report(
            'join-without-split',
            step.name,
            `step '${step.name}' takes inputs, so it is a join, but no split is open here: a join closes a ` +
              `this.next(this.a, this.b) or a foreach. Remove the parameter, or split before it.`,
            [],
          );
        }
      } else if (contexts.size > 1) {
        if (!quiet) {
          const parts = incoming.map((a) => {
            const top = a.stack.at(-1);
            return top ? `${a.from} (from split '${top.split}')` : `${a.from} (outside any split)`;
          });
          const splits = [...new Set(open.map((a) => a.stack.at(-1)!.split))];
          report(
            'cross-join',
            step.name,
            `join '${step.name}' merges branches of unrelated splits: ${list(parts)}. A join closes exactly ` +
              `one split: join the branches of each split separately first.`,
            splits,
          );
        }
        taint = true;
        stack = commonPrefix(incoming.map((a) => a.stack));
      } else {
        const split = open[0]!.stack.at(-1)!.split;
        const expected = branchesOf(split);
        const got = new Set(open.map((a) => a.stack.at(-1)!.branch));
        const missing = expected.filter((b) => !got.has(b));
        if (missing.length > 0) {
          if (!quiet) {
            report(
              'join-branch-mismatch',
              step.name,
              `join '${step.name}' closes the split at '${split}', which has ${expected.length} branches ` +
                `(${list(expected)}), but only ${got.size} lead${got.size === 1 ? 's' : ''} here (${list(got)}): ` +
                `make ${missing.length === 1 ? 'branch' : 'branches'} ${list(missing)} end in this.next(this.${step.name}) too.`,
              [split],
            );
          }
          taint = true;
        } else {
          result.joins.set(split, step.name);
        }
        stack = open[0]!.stack.slice(0, -1);
      }
    } else {
      const keys = new Set(incoming.map((a) => key(a.stack)));
      if (keys.size <= 1 || step.isEnd) {
        stack = incoming[0]?.stack ?? [];
      } else {
        // Branches meet at a step without inputs: it should be a join.
        const top = incoming[0]!.stack.at(-1);
        const properMerge = new Set(incoming.map((a) => context(a.stack))).size === 1 && top !== undefined;
        if (!quiet) {
          const from = list(new Set(incoming.map((a) => a.from)));
          report(
            'join-missing-inputs',
            step.name,
            properMerge
              ? `the branches of the split at '${top.split}' meet at '${step.name}' (from ${from}), which takes no ` +
                  `inputs: a step where branches meet is a join; declare it as ${inputsHint(step.name)}.`
              : `'${step.name}' is reached from different branches (${from}) but takes no inputs: where ` +
                  `branches meet, declare a join, ${inputsHint(step.name)}.`,
            top ? [top.split] : [],
          );
        }
        if (properMerge) {
          stack = incoming[0]!.stack.slice(0, -1);
        } else {
          taint = true;
          stack = commonPrefix(incoming.map((a) => a.stack));
        }
      }
    }

    if (step.isEnd && !quiet) {
      const frames = takesInputs(step) ? stack : incoming.flatMap((a) => a.stack);
      const open = [...new Set(frames.map((f) => f.split))];
      if (open.length > 0) {
        const describe = (s: string) => {
          const node = index.byName.get(s)!;
          return node.kind === 'split-foreach'
            ? `the foreach at '${s}' (over '${node.transition?.foreach ?? '?'}')`
            : `the split at '${s}' (branches ${list(branchesOf(s))})`;
        };
        report(
          'unclosed-split',
          step.name,
          `the end step is reached while ${open.map(describe).join(' and ')} ${open.length === 1 ? 'is' : 'are'} ` +
            `still open: add a join step that takes inputs, e.g. ${inputsHint('join')}, where the branches ` +
            `meet before '${step.name}'.`,
          open,
        );
      }
    }

    for (const t of flowEdges(step, index, graph.start)) {
      const splits = step.kind === 'split-static' || step.kind === 'split-foreach';
      const exit = splits ? [...stack, { split: step.name, branch: t }] : stack;
      const into = arrivals.get(t) ?? [];
      into.push({ from: step.name, stack: exit, tainted: taint });
      arrivals.set(t, into);
    }
  }
  return result;
}

// The run-time half of the transition contract: the scheduler plans tasks from the static graph,
// so after a task ran, what its `this.next(...)` actually did must be what the source says (code
// that builds the call dynamically, or a file edited mid-run, would otherwise send the run
// somewhere the plan does not know). Loaded by every task worker: imports types only.

import type { StepNode, Transition } from './types.js';

/** What a task's `this.next(...)` call did, as the worker recorded it. */
export interface TakenTransition {
  /** Successor step names in call order (for a switch: the chosen one). */
  next: string[];
  foreach?: { var: string };
  condition?: { var: string; value: unknown };
}

const quote = (s: string) => `'${s}'`;
const refs = (names: string[]) => names.map((n) => `this.${n}`).join(', ');

function describeStatic(t: Transition): string {
  if (t.switchCases) {
    const cases = Object.entries(t.switchCases).map(
      ([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k)}: this.${v}`,
    );
    return `this.next({ ${cases.join(', ')} }, { condition: '${t.condition ?? ''}' })`;
  }
  if (t.foreach !== undefined) return `this.next(${refs(t.targets)}, { foreach: '${t.foreach}' })`;
  return `this.next(${refs(t.targets)})`;
}

function describeTaken(taken: TakenTransition): string {
  if (taken.condition) {
    return (
      `this.next({ ... }, { condition: '${taken.condition.var}' }) and went to ${taken.next.map(quote).join(', ') || 'nothing'} ` +
      `(${taken.condition.var} = ${show(taken.condition.value)})`
    );
  }
  if (taken.foreach) return `this.next(${refs(taken.next)}, { foreach: '${taken.foreach.var}' })`;
  if (taken.next.length === 0) return 'no this.next(...)';
  return `this.next(${refs(taken.next)})`;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Null when `taken` is what the static graph says step `node` does; otherwise a message for the
 * task's error, naming both.
 */
export function checkTransition(node: StepNode, taken: TakenTransition): string | null {
  const name = node.name;
  const did = describeTaken(taken);
  if (node.isEnd) {
    return taken.next.length === 0 && !taken.foreach && !taken.condition
      ? null
      : `the end step '${name}' called ${did}, but the end step has no transition`;
  }
  const t = node.transition;
  if (!t) {
    return `step '${name}' has no valid transition in the static graph (run \`tsflow check\`), but it called ${did}`;
  }
  const says = describeStatic(t);
  const mismatch = () =>
    `step '${name}' called ${did} but the static graph says ${says}. Write the transition literally, as ` +
    `the step's last statement, so that what runs is what the graph shows.`;
  if (taken.next.length === 0) {
    return `step '${name}' finished without calling this.next(...), but the static graph says ${says}`;
  }
  if (t.switchCases) {
    if (!taken.condition || taken.condition.var !== t.condition || taken.foreach) return mismatch();
    const key = String(taken.condition.value);
    const expected = Object.hasOwn(t.switchCases, key) ? t.switchCases[key] : undefined;
    if (expected === undefined) {
      return (
        `step '${name}': condition '${taken.condition.var}' is ${show(taken.condition.value)}, which is not one ` +
        `of the switch cases (${Object.keys(t.switchCases).map(quote).join(', ')})`
      );
    }
    if (!sameList(taken.next, [expected])) {
      return (
        `step '${name}' went to ${taken.next.map(quote).join(', ')} for case '${key}', but the static graph ` +
        `says case '${key}' goes to '${expected}' (${says})`
      );
    }
    return null;
  }
  if (taken.condition) return mismatch();
  if (taken.foreach?.var !== t.foreach) return mismatch();
  return sameList(taken.next, t.targets) ? null : mismatch();
}

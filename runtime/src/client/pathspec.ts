// Pathspecs: `Flow/run[/step[/task[/artifact]]]`, as in Metaflow.

import { UserError } from '../errors.js';

export interface Pathspec {
  flow: string;
  runId?: string;
  step?: string;
  taskId?: string;
  artifact?: string;
}

export type PathspecKind = 'flow' | 'run' | 'step' | 'task' | 'artifact';
const KINDS: PathspecKind[] = ['flow', 'run', 'step', 'task', 'artifact'];
const SHAPES = ['Flow', 'Flow/run', 'Flow/run/step', 'Flow/run/step/task', 'Flow/run/step/task/artifact'];

/** Splits a pathspec; `expect` demands an exact depth (e.g. `task` for `Task.get`). */
export function parsePathspec(pathspec: string, expect?: PathspecKind): Pathspec & { kind: PathspecKind } {
  const parts = pathspec.split('/');
  const bad = parts.length > KINDS.length || parts.some((p) => p.length === 0);
  const kind = KINDS[parts.length - 1];
  if (bad || !kind || (expect && kind !== expect)) {
    const want = expect ? SHAPES[KINDS.indexOf(expect)] : 'Flow/run[/step[/task[/artifact]]]';
    throw new UserError(`bad pathspec '${pathspec}': expected ${want}`);
  }
  const [flow, runId, step, taskId, artifact] = parts as [string, ...(string | undefined)[]];
  const out: Pathspec & { kind: PathspecKind } = { kind, flow };
  if (runId !== undefined) out.runId = runId;
  if (step !== undefined) out.step = step;
  if (taskId !== undefined) out.taskId = taskId;
  if (artifact !== undefined) out.artifact = artifact;
  return out;
}

/** Sorts ids numerically when both are numbers, else as strings. */
export function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "a, b, c" with at most `max` names (then "... (N more)"). */
export function listNames(names: readonly string[], max = 20): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')}, ... (${names.length - max} more)`;
}

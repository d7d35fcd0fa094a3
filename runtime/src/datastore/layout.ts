// Where each record lives (the layout documented in types.ts), in one place, and which names may
// be used as path segments. Keys are '/'-separated and relative to the datastore root, so the same
// functions serve every backend.

import { UserError } from '../errors.js';
import type { TaskKey } from './types.js';

/** Directory names inside a flow that are not runs. */
const FLOW_RESERVED = new Set(['data', '_meta']);

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20 || s.charCodeAt(i) === 0x7f) return true;
  return false;
}

/** A flow name is a class name: a JS identifier. */
export function isValidFlowName(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !FLOW_RESERVED.has(name);
}

/**
 * Run ids, step names and task ids become path segments: no separators, no dot-names (temp files
 * and hidden entries start with '.'), not `_meta` (the record folder beside them).
 */
export function isValidSegment(s: string): boolean {
  return (
    s.length > 0 &&
    s.length <= 200 &&
    !s.startsWith('.') &&
    !/[/\\]/.test(s) &&
    !hasControlChar(s) &&
    s !== '_meta'
  );
}

/** Run ids share their folder with `data/` and `_meta/`; ids starting with '_' stay reserved. */
export function isValidRunId(s: string): boolean {
  return isValidSegment(s) && !s.startsWith('_') && !FLOW_RESERVED.has(s);
}

function check(kind: string, value: string, ok: boolean): string {
  if (!ok) throw new UserError(`invalid ${kind} ${JSON.stringify(value)}`);
  return value;
}

export function checkFlowName(flow: string): string {
  return check('flow name', flow, isValidFlowName(flow));
}
export function checkRunId(runId: string): string {
  return check('run id', runId, isValidRunId(runId));
}
export function checkSegment(kind: string, s: string): string {
  return check(kind, s, isValidSegment(s));
}

/** Key builders for one flow. Every argument is validated so a key can never escape its folder. */
export class FlowLayout {
  constructor(readonly flow: string) {
    checkFlowName(flow);
  }

  blob(sha: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`invalid blob sha ${JSON.stringify(sha)}`);
    return `${this.flow}/data/${sha.slice(0, 2)}/${sha}`;
  }

  runsPrefix(): string {
    return this.flow;
  }
  run(runId: string): string {
    return `${this.flow}/${checkRunId(runId)}`;
  }
  runRecord(runId: string): string {
    return `${this.run(runId)}/_meta/run.json`;
  }
  runStatus(runId: string): string {
    return `${this.run(runId)}/_meta/status.json`;
  }
  graph(runId: string): string {
    return `${this.run(runId)}/_meta/graph.json`;
  }
  step(runId: string, step: string): string {
    return `${this.run(runId)}/${checkSegment('step name', step)}`;
  }
  stepRecord(runId: string, step: string): string {
    return `${this.step(runId, step)}/_meta/step.json`;
  }
  task(key: TaskKey): string {
    return `${this.step(key.runId, key.step)}/${checkSegment('task id', key.taskId)}`;
  }
  taskRecord(key: TaskKey): string {
    return `${this.task(key)}/_meta/task.json`;
  }
  attemptFile(key: TaskKey, attempt: number, suffix: AttemptSuffix): string {
    if (!Number.isInteger(attempt) || attempt < 0) throw new Error(`invalid attempt ${attempt}`);
    return `${this.task(key)}/${attempt}.${suffix}`;
  }
}

export type AttemptSuffix = 'attempt.json' | 'data.json' | 'done' | 'stdout.log' | 'stderr.log';

/** The attempt number of an `<n>.attempt.json` file name, or null for any other file. */
export function parseAttemptFile(name: string): number | null {
  const m = /^(0|[1-9][0-9]{0,5})\.attempt\.json$/.exec(name);
  return m ? Number(m[1]) : null;
}

// `tsflow resume`: which tasks of the origin run can be cloned (by manifest pointer, never by
// copying artifact bytes) and which must run again, decided before anything starts so the user
// sees the plan first.

import { UserError } from '../errors.js';
import type { AttemptData, FlowStore, RunRecord } from '../datastore/types.js';
import type { FlowGraph } from '../graph/types.js';
import { mapLimit } from '../util/limit.js';
import { type CloneSource, type OriginTask, taskIndexKey } from './scheduler.js';

export interface ResumePlan {
  clone: CloneSource;
  parameters: AttemptData;
  /** Human-readable lines: per step, what will be cloned and what will run. */
  lines: string[];
}

/** The step and every step reachable from it. */
export function downstreamOf(graph: FlowGraph, step: string): Set<string> {
  const next = new Map(graph.steps.map((s) => [s.name, s.next]));
  if (!next.has(step)) {
    throw new UserError(
      `${graph.name} has no step '${step}' (steps: ${graph.steps.map((s) => s.name).join(', ')})`,
    );
  }
  const out = new Set<string>([step]);
  const todo = [step];
  while (todo.length > 0) {
    for (const n of next.get(todo.pop()!) ?? []) {
      if (!out.has(n)) {
        out.add(n);
        todo.push(n);
      }
    }
  }
  return out;
}

/** The origin run's latest run unless one is named (spin runs are never an origin). */
export async function pickOrigin(store: FlowStore, flow: string, originRunId?: string): Promise<RunRecord> {
  if (originRunId) {
    const rec = await store.readRun(originRunId);
    if (!rec) throw new UserError(`no run ${flow}/${originRunId} to resume`);
    return rec;
  }
  const ids = await store.listRuns();
  const records = (await Promise.all(ids.map((id) => store.readRun(id)))).filter(
    (r): r is RunRecord => r !== null && !r.systemTags.includes('spin'),
  );
  records.sort((a, b) => b.createdAt - a.createdAt || (b.runId < a.runId ? -1 : 1));
  const latest = records[0];
  if (!latest) throw new UserError(`${flow} has no run to resume; run it first`);
  return latest;
}

export async function planResume(
  store: FlowStore,
  graph: FlowGraph,
  origin: RunRecord,
  fromStep?: string,
): Promise<ResumePlan> {
  const rerun = fromStep ? downstreamOf(graph, fromStep) : new Set<string>();
  const runId = origin.runId;
  const params = await store.readAttempt({ runId, step: '_parameters', taskId: '0' }, 0);
  if (!params?.data || !params.done?.finished) {
    throw new UserError(`run ${graph.name}/${runId} has no committed parameters; it cannot be resumed`);
  }
  const byIndex = new Map<string, OriginTask>();
  const failed = new Map<string, number>();
  const ok = new Map<string, number>();
  const steps = (await store.listSteps(runId)).filter((s) => s !== '_parameters');
  await Promise.all(
    steps.map(async (step) => {
      const tasks = await store.listTasks(runId, step);
      await mapLimit(tasks, 32, async (taskId) => {
        const key = { runId, step, taskId };
        const [rec, view] = await Promise.all([store.readTaskRecord(key), store.latestAttempt(key)]);
        if (rec && view?.done?.finished && view.data) {
          ok.set(step, (ok.get(step) ?? 0) + 1);
          if (!rerun.has(step)) {
            byIndex.set(taskIndexKey({ ...rec, branchStack: rec.branchStack ?? [] }), {
              runId,
              step,
              taskId,
              data: view.data,
              done: view.done,
            });
          }
        } else failed.set(step, (failed.get(step) ?? 0) + 1);
      });
    }),
  );
  const lines: string[] = [];
  const width = Math.max(...graph.steps.map((s) => s.name.length));
  for (const s of graph.steps) {
    const name = s.name.padEnd(width);
    const good = ok.get(s.name) ?? 0;
    const bad = failed.get(s.name) ?? 0;
    const n = (k: number) => `${k} task${k === 1 ? '' : 's'}`;
    if (rerun.has(s.name))
      lines.push(
        `  ${name}  re-run${fromStep === s.name ? ` (resuming from ${s.name})` : ' (after the resume step)'}`,
      );
    else if (good === 0 && bad === 0) lines.push(`  ${name}  run (not reached in the origin run)`);
    else if (bad === 0) lines.push(`  ${name}  clone ${n(good)}`);
    else
      lines.push(`  ${name}  ${good > 0 ? `clone ${n(good)}, ` : ''}re-run ${n(bad)} that did not succeed`);
  }
  return { clone: { runId, byIndex, rerun }, parameters: params.data, lines };
}

// Listing a run's contents in display order, and NotFoundErrors that say what does not exist and
// what does ("no step 'joinn' in run PetsFlow/123; steps: start, a, b, join, end").

import type { FlowStore } from '../datastore/types.js';
import { NotFoundError, UserError } from '../errors.js';
import type { ClientContext } from './context.js';
import { compareIds, listNames } from './pathspec.js';

/** The pseudo-step holding the run's parameters; hidden from listings, as in Metaflow. */
export const PARAMETERS_STEP = '_parameters';

/** Run ids, newest first (ids are microsecond timestamps; non-numeric ids sort after, by name). */
export function newestFirst(ids: string[]): string[] {
  return [...ids].sort((a, b) => compareIds(b, a));
}

/** A run's visible steps: in graph order when the run recorded its graph, else by creation time. */
export async function orderedStepNames(store: FlowStore, runId: string): Promise<string[]> {
  const [names, graph] = await Promise.all([store.listSteps(runId), store.readGraph(runId)]);
  const visible = names.filter((n) => n !== PARAMETERS_STEP);
  const rank = new Map<string, number>();
  if (graph) {
    graph.steps.forEach((s, i) => {
      rank.set(s.name, i);
    });
  } else {
    const records = await Promise.all(visible.map((n) => store.readStepRecord(runId, n)));
    const byTime = visible
      .map((n, i) => ({ n, t: records[i]?.createdAt ?? Number.POSITIVE_INFINITY }))
      .sort((a, b) => a.t - b.t || (a.n < b.n ? -1 : 1));
    byTime.forEach((x, i) => {
      rank.set(x.n, i);
    });
  }
  const last = Number.MAX_SAFE_INTEGER;
  return visible.sort(
    (a, b) => (rank.get(a) ?? last) - (rank.get(b) ?? last) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

export async function sortedTaskIds(store: FlowStore, runId: string, step: string): Promise<string[]> {
  return (await store.listTasks(runId, step)).sort(compareIds);
}

// ---- not found ----

export async function runNotFound(ctx: ClientContext, flow: string, runId: string): Promise<NotFoundError> {
  const store = await ctx.existingStore(flow); // throws the flow-level error when the flow is missing
  const runs = newestFirst(await store.listRuns());
  return new NotFoundError(
    `no run '${runId}' of flow ${flow}; ${runs.length > 0 ? `runs (newest first): ${listNames(runs, 10)}` : 'it has no runs'}`,
  );
}

export async function stepNotFound(
  ctx: ClientContext,
  flow: string,
  runId: string,
  step: string,
): Promise<NotFoundError> {
  const store = ctx.store(flow);
  if (!(await orNull(() => store.readRun(runId)))) return runNotFound(ctx, flow, runId);
  const steps = await orderedStepNames(store, runId);
  return new NotFoundError(
    `no step '${step}' in run ${flow}/${runId}; ${steps.length > 0 ? `steps: ${listNames(steps)}` : 'it has no steps yet'}`,
  );
}

export async function taskNotFound(
  ctx: ClientContext,
  flow: string,
  runId: string,
  step: string,
  taskId: string,
): Promise<NotFoundError> {
  const store = ctx.store(flow);
  if (!(await orNull(() => store.readStepRecord(runId, step)))) return stepNotFound(ctx, flow, runId, step);
  const tasks = await sortedTaskIds(store, runId, step);
  return new NotFoundError(
    `no task '${taskId}' in step ${flow}/${runId}/${step}; ${tasks.length > 0 ? `tasks: ${listNames(tasks)}` : 'it has no tasks yet'}`,
  );
}

/** Invalid names (`a/b`, `..`) cannot exist; reading them must say "not found", not "invalid key". */
export async function orNull<T>(read: () => Promise<T | null>): Promise<T | null> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof UserError) return null;
    throw e;
  }
}

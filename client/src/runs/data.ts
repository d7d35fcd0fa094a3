// The runs explorer's data service: what the tree, the status bar, the DAG panel's run colouring
// and the step lenses show, read through the runtime's client API in the extension host (never by
// shelling out). No `vscode` here: the service is unit-tested against a real datastore, and the
// tree provider (tree.ts) only maps these plain models to TreeItems.

import {
  artifactToJSON,
  ClientContext,
  type DataArtifact,
  Flow,
  Run,
  type Step,
  type Task,
} from '../../../runtime/src/client/index.js';
import { LOAD_CONCURRENCY, mapLimit } from '../../../runtime/src/client/limit.js';
import { compareIds } from '../../../runtime/src/client/pathspec.js';
import type { RunState } from '../../../runtime/src/datastore/types.js';
import type {
  ArtifactPage,
  ArtifactView,
  RunStatusSummary,
  StepRunStatus,
} from '../../../webviews/src/messages.js';

export interface FlowItem {
  kind: 'flow';
  name: string;
}

export interface RunItem {
  kind: 'run';
  flow: string;
  id: string;
  pathspec: string;
  status: RunState;
  createdAt: number;
  finishedAt: number | undefined;
  /** Wall time so far (running) or in total. */
  durationMs: number;
  tags: string[];
  systemTags: string[];
  error: string | undefined;
  file: string;
  originRunId: string | undefined;
}

export interface TaskCounts {
  total: number;
  done: number;
  running: number;
  failed: number;
}

export interface StepItem {
  kind: 'step';
  flow: string;
  runId: string;
  name: string;
  pathspec: string;
  status: StepRunStatus;
  counts: TaskCounts;
  durationMs: number | undefined;
  /** The first failed task's error message. */
  error: string | undefined;
}

export interface TaskItem {
  kind: 'task';
  flow: string;
  runId: string;
  step: string;
  id: string;
  pathspec: string;
  status: StepRunStatus;
  attempt: number | null;
  attempts: number;
  durationMs: number | undefined;
  index: number | undefined;
  error: string | undefined;
  /** For a task cloned by resume. */
  originPathspec: string | undefined;
}

export interface ArtifactItem {
  kind: 'artifact';
  pathspec: string;
  name: string;
  type: string;
  size: number;
}

/** "Show more": the older runs of a flow beyond the ones listed. */
export interface MoreItem {
  kind: 'more';
  flow: string;
  shown: number;
  total: number;
}

export type RunsNode = FlowItem | RunItem | StepItem | TaskItem | ArtifactItem | MoreItem;

export interface RunsPage {
  runs: RunItem[];
  /** Runs of the flow (matching the filter, when one is set and all had to be read). */
  total: number;
}

/** Runs listed per flow before a "Show more" item. */
export const RUNS_PAGE = 100;

export interface RunProgress extends RunStatusSummary {
  counts: TaskCounts;
  stepsTotal: number;
  stepsDone: number;
  run: RunItem;
  stepItems: StepItem[];
}

export function taskStatus(t: Task): StepRunStatus {
  if (t.running) return 'running';
  if (t.successful) return 'done';
  // Finished with a caught error (`@catchErrors`): the flow went on; the task itself failed.
  if (t.finished || t.exception || t.attempt !== null) return 'failed';
  return 'pending';
}

/** Step status from its tasks: running beats failed beats pending; done only when all are. */
export function aggregateStatus(statuses: readonly StepRunStatus[]): StepRunStatus {
  if (statuses.length === 0) return 'pending';
  if (statuses.includes('running')) return 'running';
  if (statuses.includes('failed')) return 'failed';
  if (statuses.every((s) => s === 'done')) return 'done';
  return 'running';
}

const ms = (d: Date | undefined) => d?.getTime();

export function runItem(r: Run, now: number): RunItem {
  const created = r.createdAt.getTime();
  const end = ms(r.finishedAt) ?? (r.status === 'running' ? now : (ms(r.heartbeatAt) ?? created));
  return {
    kind: 'run',
    flow: r.flowName,
    id: r.id,
    pathspec: r.pathspec,
    status: r.status,
    createdAt: created,
    finishedAt: ms(r.finishedAt),
    durationMs: Math.max(0, end - created),
    tags: [...r.tags],
    systemTags: [...r.systemTags],
    error: r.error,
    file: r.file,
    originRunId: r.originRunId,
  };
}

export function taskItem(t: Task): TaskItem {
  const start = ms(t.startedAt);
  const end = ms(t.finishedAt);
  return {
    kind: 'task',
    flow: t.flowName,
    runId: t.runId,
    step: t.stepName,
    id: t.id,
    pathspec: t.pathspec,
    status: taskStatus(t),
    attempt: t.attempt,
    attempts: t.attempts,
    durationMs: start !== undefined && end !== undefined ? end - start : undefined,
    index: t.index,
    error: t.exception ? `${t.exception.name}: ${t.exception.message}` : undefined,
    originPathspec: t.originPathspec,
  };
}

export async function stepItem(s: Step): Promise<StepItem> {
  const tasks = await s.tasks();
  const statuses = tasks.map(taskStatus);
  const counts: TaskCounts = {
    total: tasks.length,
    done: statuses.filter((x) => x === 'done').length,
    running: statuses.filter((x) => x === 'running').length,
    failed: statuses.filter((x) => x === 'failed').length,
  };
  const starts = tasks.map((t) => ms(t.startedAt)).filter((x): x is number => x !== undefined);
  const ends = tasks.map((t) => ms(t.finishedAt)).filter((x): x is number => x !== undefined);
  const failed = tasks.find((t) => t.exception);
  return {
    kind: 'step',
    flow: s.flowName,
    runId: s.runId,
    name: s.name,
    pathspec: s.pathspec,
    status: aggregateStatus(statuses),
    counts,
    durationMs:
      starts.length > 0 && ends.length > 0 && s.finishedAt
        ? Math.max(...ends) - Math.min(...starts)
        : undefined,
    error: failed?.exception ? `${failed.exception.name}: ${failed.exception.message}` : undefined,
  };
}

/** Rows per page of a large artifact. */
export const PAGE_SIZE = 200;

/** Which renderer suits a value in `artifactToJSON` form. */
export function artifactView(value: unknown): ArtifactView {
  if (typeof value === 'string') return 'text';
  if (value === null || typeof value !== 'object') return 'scalar';
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((x) => typeof x === 'number')) return 'chart';
    if (
      value.length > 0 &&
      value.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x) && !('$more' in x))
    )
      return 'table';
    return 'tree';
  }
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length === 1 && ['$bigint', '$number', '$undefined', '$regexp', '$date'].includes(keys[0]!))
    return 'scalar';
  if (
    typeof v.$type === 'string' &&
    Array.isArray(v.values) &&
    v.$type !== 'Buffer' &&
    v.$type !== 'ArrayBuffer'
  )
    return v.$type === 'DataView' ? 'tree' : 'chart';
  return 'tree';
}

/** PNG or JPEG, by magic bytes. */
export function imageMime(bytes: Uint8Array): 'image/png' | 'image/jpeg' | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

/** Largest image shown inline. */
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/**
 * One page of a value for the artifact viewer: collections are cut to `PAGE_SIZE` elements from
 * `offset`; images are sent as bytes; everything else whole (strings cut at 1 MB).
 */
export function pageOf(
  pathspec: string,
  type: string,
  size: number,
  value: unknown,
  offset: number,
): ArtifactPage {
  const base = { pathspec, type, size };
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : value;
    const mime = imageMime(bytes);
    if (mime && bytes.length <= MAX_IMAGE_BYTES) {
      return {
        ...base,
        offset: 0,
        total: null,
        value: null,
        view: 'image',
        image: {
          mime,
          base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
        },
      };
    }
  }
  const slice = (n: number) => ({ start: Math.min(offset, n), end: Math.min(offset + PAGE_SIZE, n) });
  if (Array.isArray(value)) {
    const { start, end } = slice(value.length);
    const json = artifactToJSON(value.slice(start, end), { maxItems: PAGE_SIZE, maxStringLength: 10_000 });
    return { ...base, offset: start, total: value.length, value: json, view: artifactView(json) };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as { length: number; subarray(a: number, b: number): unknown };
    const { start, end } = slice(arr.length);
    const json = artifactToJSON(arr.subarray(start, end), { maxTypedItems: PAGE_SIZE });
    return { ...base, offset: start, total: arr.length, value: json, view: artifactView(json) };
  }
  if (value instanceof Map || value instanceof Set) {
    const entries = [...(value instanceof Map ? value.entries() : value.values())];
    const { start, end } = slice(entries.length);
    const part =
      value instanceof Map
        ? new Map(entries.slice(start, end) as [unknown, unknown][])
        : new Set(entries.slice(start, end));
    const json = artifactToJSON(part, { maxItems: PAGE_SIZE, maxStringLength: 10_000 });
    return { ...base, offset: start, total: entries.length, value: json, view: 'tree' };
  }
  const json = artifactToJSON(value, { maxItems: 1000, maxStringLength: 1_000_000, maxTypedItems: 1000 });
  return { ...base, offset: 0, total: null, value: json, view: artifactView(json) };
}

export interface DataServiceOptions {
  /** The datastore root directory, or undefined when there is none to read. */
  root: () => string | undefined;
  now?: () => number;
}

export class RunsDataService {
  private ctx: ClientContext | undefined;
  private ctxRoot: string | undefined;
  /** Tag filter per flow (none: all runs). */
  readonly tagFilters = new Map<string, string>();
  /** How many runs the tree lists per flow (grows with "Show more"). */
  readonly runLimits = new Map<string, number>();
  /** Finished runs as last read, by pathspec: a run changes only when its files do (see invalidate). */
  private readonly finishedRuns = new Map<string, RunItem>();

  constructor(private readonly opts: DataServiceOptions) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** The client context of the current root (re-created when the root changes). */
  context(): ClientContext | undefined {
    const root = this.opts.root();
    if (!root) return undefined;
    if (!this.ctx || this.ctxRoot !== root) {
      this.ctx = ClientContext.from({ datastoreRoot: root, now: this.opts.now ?? Date.now });
      this.ctxRoot = root;
    }
    return this.ctx;
  }

  get root(): string | undefined {
    return this.opts.root();
  }

  async flows(): Promise<FlowItem[]> {
    const ctx = this.context();
    if (!ctx) return [];
    try {
      return (await ctx.listFlows()).map((name) => ({ kind: 'flow', name }));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  private flow(name: string): Flow {
    const ctx = this.context();
    if (!ctx) throw new Error('no datastore');
    return new Flow(ctx, name);
  }

  /** Runs newest first, filtered by the flow's tag filter (or `tag`). */
  async runs(flow: string, tag = this.tagFilters.get(flow)): Promise<RunItem[]> {
    const now = this.now();
    const runs = await this.flow(flow).runs(tag ? { tag } : {});
    return runs.map((r) => runItem(r, now));
  }

  /**
   * The newest runs of a flow, for the tree: only the first `limit` are read (run ids are creation
   * times in microseconds, so the newest are the largest ids), finished ones from the cache. With a
   * tag filter every run is read (the filter needs the tags).
   */
  async runsPage(flow: string, limit = this.runLimits.get(flow) ?? RUNS_PAGE): Promise<RunsPage> {
    const tag = this.tagFilters.get(flow);
    if (tag) {
      const all = await this.runs(flow, tag);
      return { runs: all.slice(0, limit), total: all.length };
    }
    const ctx = this.context();
    if (!ctx) return { runs: [], total: 0 };
    const ids = (await ctx.store(flow).listRuns()).sort(compareIds).reverse();
    const now = this.now();
    const loaded = await mapLimit(ids.slice(0, limit), LOAD_CONCURRENCY, async (id) => {
      const key = `${flow}/${id}`;
      const cached = this.finishedRuns.get(key);
      if (cached) return cached;
      try {
        const item = runItem(await Run.load(ctx, flow, id), now);
        if (item.status !== 'running') this.finishedRuns.set(key, item);
        return item;
      } catch {
        return undefined; // still being created, or deleted meanwhile
      }
    });
    const runs = loaded
      .filter((r): r is RunItem => r !== undefined)
      .sort((a, b) => b.createdAt - a.createdAt || compareIds(b.id, a.id));
    return { runs, total: ids.length };
  }

  /** Forget what was read of a run (its files changed), or of every run of a flow. */
  invalidate(flow: string, runId?: string): void {
    if (runId !== undefined) this.finishedRuns.delete(`${flow}/${runId}`);
    else
      for (const k of [...this.finishedRuns.keys()])
        if (k.startsWith(`${flow}/`)) this.finishedRuns.delete(k);
  }

  async run(flow: string, runId: string): Promise<RunItem> {
    return runItem(await this.flow(flow).run(runId), this.now());
  }

  /** The newest run that is not a `spin` run. */
  async latestRun(flow: string): Promise<RunItem | undefined> {
    try {
      const r = await this.flow(flow).latestRun();
      return r ? runItem(r, this.now()) : undefined;
    } catch {
      return undefined;
    }
  }

  async steps(flow: string, runId: string): Promise<StepItem[]> {
    const run = await this.flow(flow).run(runId);
    return Promise.all((await run.steps()).map(stepItem));
  }

  async tasks(flow: string, runId: string, step: string): Promise<TaskItem[]> {
    const run = await this.flow(flow).run(runId);
    return (await (await run.step(step)).tasks()).map(taskItem);
  }

  async task(pathspec: string): Promise<Task> {
    const ctx = this.context();
    if (!ctx) throw new Error('no datastore');
    const [flow, runId, step, taskId] = pathspec.split('/') as [string, string, string, string];
    const run = await new Flow(ctx, flow).run(runId);
    const t = (await (await run.step(step)).tasks()).find((x) => x.id === taskId);
    if (!t) throw new Error(`no task ${pathspec}`);
    return t;
  }

  async artifacts(taskPathspec: string): Promise<ArtifactItem[]> {
    const t = await this.task(taskPathspec);
    return (await t.artifacts()).map((a) => ({
      kind: 'artifact',
      pathspec: a.pathspec,
      name: a.name,
      type: a.type,
      size: a.size,
    }));
  }

  /** One page of an artifact's value (`Flow/run/step/task/name`). */
  async artifactPage(pathspec: string, offset = 0): Promise<ArtifactPage> {
    const ctx = this.context();
    if (!ctx) throw new Error('no datastore');
    const cut = pathspec.lastIndexOf('/');
    const t = await this.task(pathspec.slice(0, cut));
    const a: DataArtifact = await t.artifact(pathspec.slice(cut + 1) as never);
    return pageOf(pathspec, a.type, a.size, await a.data(), offset);
  }

  /** Steps and tasks done / running / failed: the status bar, the DAG colouring, the step lenses. */
  async progress(flow: string, runId: string): Promise<RunProgress> {
    const f = this.flow(flow);
    const run = await f.run(runId);
    const graph = await run.graph();
    const stepItems = await Promise.all((await run.steps()).map(stepItem));
    const counts: TaskCounts = { total: 0, done: 0, running: 0, failed: 0 };
    const steps: Record<string, StepRunStatus> = {};
    for (const s of stepItems) {
      steps[s.name] = s.status;
      counts.total += s.counts.total;
      counts.done += s.counts.done;
      counts.running += s.counts.running;
      counts.failed += s.counts.failed;
    }
    return {
      pathspec: run.pathspec,
      status: run.status,
      steps,
      counts,
      stepsTotal: graph?.steps.length ?? stepItems.length,
      stepsDone: stepItems.filter((s) => s.status === 'done').length,
      run: runItem(run, this.now()),
      stepItems,
    };
  }

  /** Merged stdout and stderr lines of a task, step or run, in time order, as the run console prints them. */
  async logText(pathspec: string): Promise<string> {
    const ctx = this.context();
    if (!ctx) throw new Error('no datastore');
    const parts = pathspec.split('/');
    const [flow, runId, step, taskId] = parts as [string, string, string?, string?];
    const run = await new Flow(ctx, flow).run(runId);
    const steps = step ? [await run.step(step)] : await run.steps();
    const lines: { ts: number; text: string }[] = [];
    for (const s of steps) {
      for (const t of await s.tasks()) {
        if (taskId && t.id !== taskId) continue;
        const who = `${runId}/${t.stepName}/${t.id}`;
        for (const stream of ['stdout', 'stderr'] as const) {
          for (const l of await t.logLines(stream))
            lines.push({
              ts: l.ts,
              text: `${formatTs(l.ts)} [${who}]${stream === 'stderr' ? ' (stderr)' : ''} ${l.text}`,
            });
        }
      }
    }
    lines.sort((a, b) => a.ts - b.ts);
    return lines.map((l) => l.text).join('\n') + (lines.length > 0 ? '\n' : '');
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local time as the run console prints it: `2026-11-26 11:15:15.123`. */
export function formatTs(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export { Run };

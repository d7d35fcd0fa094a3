// Run: one run of a flow, as recorded when it started plus its current status.

import fs from 'node:fs';
import os from 'node:os';
import type { RunRecord, RunState, RunStatus } from '../datastore/types.js';
import { NotFoundError } from '../errors.js';
import type { FlowGraph } from '../graph/types.js';
import { ClientContext, type ClientOptions } from './context.js';
import { INSPECT, isoOrNull, type RunJSON } from './json.js';
import { mapLimit } from '../util/limit.js';
import { orderedStepNames, orNull, runNotFound } from './lookup.js';
import { parsePathspec } from './pathspec.js';
import { Step } from './step.js';
import { lazyData, type Task } from './task.js';
import type { TaskData } from './types.js';

/** A `running` run whose scheduler has not written a heartbeat for this long is dead: it reads `failed`. */
export const HEARTBEAT_TIMEOUT_MS = 60_000;

/**
 * On the scheduler's own host, whether its process is gone: no such pid, or a pid reused by a
 * process that started at another time. Elsewhere (or without /proc) unknown: undefined.
 */
export function schedulerGone(record: RunRecord, status: RunStatus): boolean | undefined {
  if (status.pidStart === undefined || record.host !== os.hostname()) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) !== status.pidStart;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? true : undefined;
  }
}

/** The state a reader should believe, given the recorded status (or none yet) and the clock. */
export function effectiveRunState(record: RunRecord, status: RunStatus | null, now: number): RunState {
  if (!status) return now - record.createdAt > HEARTBEAT_TIMEOUT_MS ? 'failed' : 'running';
  if (status.status === 'running') {
    // A scheduler killed outright (kill -9, a crash) writes nothing: detect it at once on its own
    // host, by heartbeat age anywhere else.
    if (schedulerGone(record, status) === true) return 'failed';
    if (now - status.heartbeatAt > HEARTBEAT_TIMEOUT_MS) return 'failed';
  }
  return status.status;
}

export class Run<F = unknown> {
  readonly kind = 'run' as const;
  readonly flowName: string;
  readonly id: string;
  /** `Flow/run`. */
  readonly pathspec: string;
  readonly createdAt: Date;
  readonly finishedAt: Date | undefined;
  /** The scheduler's last sign of life. */
  readonly heartbeatAt: Date | undefined;
  /** `running`, `succeeded` or `failed`; a running run whose heartbeat is over 60 s old reads `failed`. */
  readonly status: RunState;
  /** Why the run failed, when it did. */
  readonly error: string | undefined;
  readonly user: string;
  /** User tags (`--tag`). */
  readonly tags: readonly string[];
  /** `user:<name>`, `runtime:node<version>`, `tsflow:<version>`. */
  readonly systemTags: readonly string[];
  /** Parameter values as given (JSON). The `_parameters` artifacts are authoritative. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** For a resumed run: the run it resumed. */
  readonly originRunId: string | undefined;
  /** The flow's source file. */
  readonly file: string;
  /** The end task's artifacts, loaded on access: `await run.data.pets`. */
  readonly data: TaskData<F>;

  private graphPromise: Promise<FlowGraph | null> | undefined;
  private endTaskPromise: Promise<Task<F> | undefined> | undefined;

  /** @internal Use `Run.get`, `flow.runs()` or `flow.run(id)`. */
  constructor(
    private readonly ctx: ClientContext,
    readonly record: RunRecord,
    statusRecord: RunStatus | null,
  ) {
    this.flowName = record.flow;
    this.id = record.runId;
    this.pathspec = `${record.flow}/${record.runId}`;
    this.createdAt = new Date(record.createdAt);
    this.status = effectiveRunState(record, statusRecord, ctx.now());
    this.finishedAt = statusRecord?.finishedAt !== undefined ? new Date(statusRecord.finishedAt) : undefined;
    this.heartbeatAt = statusRecord ? new Date(statusRecord.heartbeatAt) : undefined;
    const dead = this.status === 'failed' && statusRecord?.status !== 'failed';
    const lastSign = statusRecord?.heartbeatAt ?? record.createdAt;
    this.error =
      statusRecord?.error ??
      (dead
        ? `the scheduler (pid ${record.pid} on ${record.host}) stopped without finishing the run (last heartbeat ${new Date(lastSign).toISOString()})`
        : undefined);
    this.user = record.user;
    this.tags = record.tags;
    this.systemTags = record.systemTags;
    this.parameters = record.parameters;
    this.originRunId = record.originRunId;
    this.file = record.file;
    this.data = lazyData(null, async (name) => {
      const end = await this.endTask();
      if (!end)
        throw new NotFoundError(
          `run ${this.pathspec} has no end task yet (status: ${this.status}), so no data`,
        );
      return (end.data as Readonly<Record<string, Promise<unknown>>>)[name];
    }) as TaskData<F>;
  }

  /** `Run.get('Flow/run')`. */
  static async get<F = unknown>(pathspec: string, opts: ClientOptions = {}): Promise<Run<F>> {
    const p = parsePathspec(pathspec, 'run');
    return Run.load<F>(ClientContext.from(opts), p.flow, p.runId!);
  }

  /** @internal */
  static async load<F>(ctx: ClientContext, flow: string, runId: string): Promise<Run<F>> {
    const store = ctx.store(flow);
    const [record, status] = await Promise.all([
      orNull(() => store.readRun(runId)),
      orNull(() => store.readRunStatus(runId)),
    ]);
    if (!record) throw await runNotFound(ctx, flow, runId);
    return new Run<F>(ctx, record, status);
  }

  get successful(): boolean {
    return this.status === 'succeeded';
  }

  get finished(): boolean {
    return this.status !== 'running';
  }

  /** The graph the run was scheduled from (null for runs that did not record one). */
  graph(): Promise<FlowGraph | null> {
    this.graphPromise ??= this.ctx.store(this.flowName).readGraph(this.id);
    return this.graphPromise;
  }

  /** Visible steps (not `_parameters`), in graph order when the graph is known. */
  async steps(): Promise<Step<F>[]> {
    const names = await orderedStepNames(this.ctx.store(this.flowName), this.id);
    // A few steps at a time: each loads its tasks with bounded parallelism already.
    return mapLimit(names, 4, (n) => Step.load<F>(this.ctx, this.flowName, this.id, n));
  }

  /** One step (also `_parameters`); NotFoundError listing the run's steps. */
  step(name: string): Promise<Step<F>> {
    return Step.load<F>(this.ctx, this.flowName, this.id, name);
  }

  /** The end step's task, once the end step has started; undefined before. */
  endTask(): Promise<Task<F> | undefined> {
    this.endTaskPromise ??= (async () => {
      const endName = (await this.graph())?.end ?? 'end';
      const names = await this.ctx.store(this.flowName).listSteps(this.id);
      if (!names.includes(endName)) return undefined;
      const step = await this.step(endName);
      return (await step.tasks())[0];
    })();
    return this.endTaskPromise;
  }

  /** Adds user tags (kept unique); returns the run as re-read. */
  async addTags(...tags: string[]): Promise<Run<F>> {
    await this.ctx.store(this.flowName).updateRunTags(this.id, (t) => [...t, ...tags]);
    return Run.load<F>(this.ctx, this.flowName, this.id);
  }

  /** Removes user tags; returns the run as re-read. */
  async removeTags(...tags: string[]): Promise<Run<F>> {
    await this.ctx.store(this.flowName).updateRunTags(this.id, (t) => t.filter((x) => !tags.includes(x)));
    return Run.load<F>(this.ctx, this.flowName, this.id);
  }

  /** True when the run has `tag` among its user or system tags. */
  hasTag(tag: string): boolean {
    return this.tags.includes(tag) || this.systemTags.includes(tag);
  }

  /** `console.log(x)` shows the JSON form. */
  [INSPECT](): unknown {
    return this.toJSON();
  }

  toJSON(): RunJSON {
    return {
      kind: 'run',
      pathspec: this.pathspec,
      flow: this.flowName,
      id: this.id,
      status: this.status,
      successful: this.successful,
      finished: this.finished,
      createdAt: this.createdAt.toISOString(),
      finishedAt: isoOrNull(this.finishedAt?.getTime()),
      heartbeatAt: isoOrNull(this.heartbeatAt?.getTime()),
      error: this.error ?? null,
      user: this.user,
      tags: [...this.tags],
      systemTags: [...this.systemTags],
      parameters: { ...this.parameters },
      originRunId: this.originRunId ?? null,
      file: this.file,
      host: this.record.host,
      pid: this.record.pid,
    };
  }
}

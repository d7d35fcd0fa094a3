// Step: one step of a run and its tasks. Loading a Step loads its tasks' records and attempts
// (not artifact values), which `finishedAt` needs and every listing shows anyway.

import { NotFoundError } from '../errors.js';
import { ClientContext, type ClientOptions } from './context.js';
import { INSPECT, isoOrNull, type StepJSON } from './json.js';
import { LOAD_CONCURRENCY, mapLimit } from '../util/limit.js';
import { orNull, sortedTaskIds, stepNotFound } from './lookup.js';
import { parsePathspec } from './pathspec.js';
import { Task } from './task.js';

export class Step<F = unknown> {
  readonly kind = 'step' as const;
  readonly flowName: string;
  readonly runId: string;
  readonly name: string;
  /** `Flow/run/step`. */
  readonly pathspec: string;
  readonly createdAt: Date | undefined;
  /** When its last task finished, once every task has; undefined before. */
  readonly finishedAt: Date | undefined;
  /** Task ids in numeric order. */
  readonly taskIds: readonly string[];

  /** @internal Use `Step.get` or `run.step(name)`. */
  constructor(
    flow: string,
    runId: string,
    name: string,
    createdAt: number | undefined,
    private readonly loadedTasks: readonly Task<F>[],
  ) {
    this.flowName = flow;
    this.runId = runId;
    this.name = name;
    this.pathspec = `${flow}/${runId}/${name}`;
    this.createdAt = createdAt === undefined ? undefined : new Date(createdAt);
    this.taskIds = loadedTasks.map((t) => t.id);
    const ends = loadedTasks.map((t) => t.finishedAt?.getTime());
    this.finishedAt =
      ends.length > 0 && ends.every((t) => t !== undefined) && !loadedTasks.some((t) => t.running)
        ? new Date(Math.max(...(ends as number[])))
        : undefined;
  }

  /** `Step.get('Flow/run/step')`. */
  static async get<F = unknown>(pathspec: string, opts: ClientOptions = {}): Promise<Step<F>> {
    const p = parsePathspec(pathspec, 'step');
    return Step.load<F>(ClientContext.from(opts), p.flow, p.runId!, p.step!);
  }

  /** @internal */
  static async load<F>(ctx: ClientContext, flow: string, runId: string, name: string): Promise<Step<F>> {
    const store = ctx.store(flow);
    const record = await orNull(() => store.readStepRecord(runId, name));
    if (!record) throw await stepNotFound(ctx, flow, runId, name);
    const ids = await sortedTaskIds(store, runId, name);
    const tasks = await mapLimit(ids, LOAD_CONCURRENCY, (taskId) =>
      Task.load<F>(ctx, flow, { runId, step: name, taskId }),
    );
    return new Step<F>(flow, runId, name, record.createdAt, tasks);
  }

  /** Tasks in numeric id order. */
  async tasks(): Promise<Task<F>[]> {
    return [...this.loadedTasks];
  }

  /** The first task (the only one, unless the step is a foreach body). */
  async task(): Promise<Task<F>> {
    const first = this.loadedTasks[0];
    if (!first) throw new NotFoundError(`step ${this.pathspec} has no tasks yet`);
    return first;
  }

  /** `console.log(x)` shows the JSON form. */
  [INSPECT](): unknown {
    return this.toJSON();
  }

  toJSON(): StepJSON {
    return {
      kind: 'step',
      pathspec: this.pathspec,
      flow: this.flowName,
      runId: this.runId,
      name: this.name,
      createdAt: isoOrNull(this.createdAt?.getTime()),
      finishedAt: isoOrNull(this.finishedAt?.getTime()),
      tasks: [...this.taskIds],
    };
  }
}

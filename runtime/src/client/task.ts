// Task: one task of a step, as of one attempt (by default the latest committed one). Loading a
// Task reads its record and attempt files only; artifact values are read when asked for.

import type {
  ArtifactRef,
  AttemptView,
  ForeachFrame,
  LogLine,
  LogStream,
  SerializedError,
  TaskKey,
  TaskRecord,
} from '../datastore/types.js';
import { NotFoundError } from '../errors.js';
import { artifactNotFound, DataArtifact } from './artifact.js';
import { ClientContext, type ClientOptions } from './context.js';
import { type ArtifactToJSONOptions, INSPECT, isoOrNull, type TaskJSON } from './json.js';
import { orNull, taskNotFound } from './lookup.js';
import { parsePathspec } from './pathspec.js';
import type { ArtifactName, ArtifactValue, TaskData } from './types.js';

export interface TaskOptions extends ClientOptions {
  /** Which attempt to show (0-based); default: the latest committed one, else the latest started. */
  attempt?: number;
}

/**
 * A read-only object whose properties are promises of artifact values, each loaded on first
 * access and then cached. `names` (when known) drive `in`, `Object.keys` and inspection.
 */
export function lazyData(names: readonly string[] | null, load: (name: string) => Promise<unknown>): object {
  const cache = new Map<string, Promise<unknown>>();
  const get = (name: string): Promise<unknown> => {
    let p = cache.get(name);
    if (!p) {
      p = load(name);
      // Mark handled: a promise created by enumeration (Object.entries, a debugger) and never
      // awaited must not crash the process when it rejects; awaiting it still throws.
      p.catch(() => {});
      cache.set(name, p);
    }
    return p;
  };
  const target = Object.create(null) as Record<string | symbol, unknown>;
  // What console.log shows (inspection reads the target, not the traps).
  target[INSPECT] = () => `TaskData { ${names ? names.join(', ') : '(loaded on access)'} }`;
  return new Proxy(target, {
    get(_t, prop) {
      // `then` must be undefined or `await task.data` would treat the object as a promise.
      if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') return undefined;
      return get(prop);
    },
    has: (_t, prop) => typeof prop === 'string' && (names?.includes(prop) ?? false),
    ownKeys: () => (names ? [...names] : []),
    getOwnPropertyDescriptor: (_t, prop) =>
      typeof prop === 'string' && names?.includes(prop)
        ? { value: get(prop), enumerable: true, configurable: true, writable: false }
        : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

export class Task<F = unknown> {
  readonly kind = 'task' as const;
  readonly flowName: string;
  readonly runId: string;
  readonly stepName: string;
  readonly id: string;
  /** `Flow/run/step/task`. */
  readonly pathspec: string;
  /** The attempt shown; null when no attempt has started yet. */
  readonly attempt: number | null;
  /** How many attempts started. */
  readonly attempts: number;
  /** A newer attempt than the one shown is in flight, or the only one has not committed yet. */
  readonly running: boolean;
  /** The step's code ran to completion without error (Metaflow's `successful`). */
  readonly successful: boolean;
  /** The task completed, possibly with an error caught by `@catchErrors` (Metaflow's `finished`). */
  readonly finished: boolean;
  readonly createdAt: Date | undefined;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
  /** Innermost foreach index; undefined outside a foreach. */
  readonly index: number | undefined;
  readonly foreachStack: readonly ForeachFrame[];
  /** Pathspecs of the tasks whose outputs are this task's inputs. */
  readonly parents: readonly string[];
  /** For a task cloned by resume: the task it was cloned from. */
  readonly originPathspec: string | undefined;
  /** The error that failed this attempt. */
  readonly exception: SerializedError | undefined;
  /** Artifact values, loaded on access: `await task.data.pets`. */
  readonly data: TaskData<F>;

  private readonly refs: Record<string, ArtifactRef>;

  /** @internal Use `Task.get`, `step.tasks()` or `run.endTask()`. */
  constructor(
    private readonly ctx: ClientContext,
    flow: string,
    key: TaskKey,
    record: TaskRecord | null,
    view: AttemptView | null,
    attempts: readonly number[],
  ) {
    this.flowName = flow;
    this.runId = key.runId;
    this.stepName = key.step;
    this.id = key.taskId;
    this.pathspec = `${flow}/${key.runId}/${key.step}/${key.taskId}`;
    this.attempt = view?.attempt ?? null;
    this.attempts = attempts.length;
    const newest = attempts[attempts.length - 1];
    this.running = newest !== undefined && (newest !== view?.attempt || !view.done);
    this.successful = view?.done?.successful ?? false;
    this.finished = view?.done?.finished ?? false;
    this.createdAt = record ? new Date(record.createdAt) : undefined;
    this.startedAt = view ? new Date(view.started.startedAt) : undefined;
    this.finishedAt = view?.done ? new Date(view.done.finishedAt) : undefined;
    this.foreachStack = record?.foreachStack ?? [];
    this.index = this.foreachStack[this.foreachStack.length - 1]?.index;
    this.parents = record?.parents ?? [];
    this.originPathspec = record?.originPathspec;
    this.exception = view?.done?.error;
    this.refs = view?.data?.artifacts ?? {};
    this.data = lazyData(this.artifactNames(), (name) => this.loadValue(name)) as TaskData<F>;
  }

  /** `Task.get('Flow/run/step/task', { attempt? })`. */
  static async get<F = unknown>(pathspec: string, opts: TaskOptions = {}): Promise<Task<F>> {
    const p = parsePathspec(pathspec, 'task');
    return Task.load<F>(
      ClientContext.from(opts),
      p.flow,
      { runId: p.runId!, step: p.step!, taskId: p.taskId! },
      opts.attempt,
    );
  }

  /** @internal */
  static async load<F>(ctx: ClientContext, flow: string, key: TaskKey, attempt?: number): Promise<Task<F>> {
    const store = ctx.store(flow);
    const [record, attempts] = await Promise.all([
      orNull(() => store.readTaskRecord(key)),
      orNull(() => store.listAttempts(key)),
    ]);
    if (!record && !attempts?.length) throw await taskNotFound(ctx, flow, key.runId, key.step, key.taskId);
    const started = attempts ?? [];
    let view: AttemptView | null = null;
    if (attempt !== undefined) {
      view = started.includes(attempt) ? await store.readAttempt(key, attempt) : null;
      if (!view) {
        throw new NotFoundError(
          `no attempt ${attempt} of task ${flow}/${key.runId}/${key.step}/${key.taskId}; ` +
            (started.length > 0 ? `attempts: ${started.join(', ')}` : 'no attempt has started'),
        );
      }
    } else {
      // The latest committed attempt; if none is committed yet, the latest started one.
      for (let i = started.length - 1; i >= 0; i--) {
        const v = await store.readAttempt(key, started[i]!);
        if (!v) continue;
        if (!view) view = v;
        if (v.done) {
          view = v;
          break;
        }
      }
    }
    return new Task<F>(ctx, flow, key, record, view, started);
  }

  /** Public artifact names (not starting with `_`), sorted. Parameters are artifacts of every task. */
  artifactNames(): string[] {
    return Object.keys(this.refs)
      .filter((n) => !n.startsWith('_'))
      .sort();
  }

  async artifacts(): Promise<DataArtifact[]> {
    return this.artifactNames().map((n) => new DataArtifact(this.ctx, this.pathspec, n, this.refs[n]!));
  }

  /** One artifact; NotFoundError listing the task's artifacts when it has none of that name. */
  async artifact<K extends ArtifactName<F>>(name: K): Promise<DataArtifact<ArtifactValue<F, K>>> {
    const ref = Object.hasOwn(this.refs, name) ? this.refs[name] : undefined;
    if (!ref) throw artifactNotFound(this.pathspec, name, this.artifactNames());
    return new DataArtifact<ArtifactValue<F, K>>(this.ctx, this.pathspec, name, ref);
  }

  private async loadValue(name: string): Promise<unknown> {
    return (await this.artifact(name as ArtifactName<F>)).data();
  }

  /** Timestamped lines of one stream of the shown attempt (empty before any attempt). */
  async logLines(stream: LogStream = 'stdout'): Promise<LogLine[]> {
    if (this.attempt === null) return [];
    return this.ctx
      .store(this.flowName)
      .readLog({ runId: this.runId, step: this.stepName, taskId: this.id }, this.attempt, stream);
  }

  async stdout(): Promise<string> {
    return linesToText(await this.logLines('stdout'));
  }

  async stderr(): Promise<string> {
    return linesToText(await this.logLines('stderr'));
  }

  /** `console.log(x)` shows the JSON form. */
  [INSPECT](): unknown {
    return this.toJSON();
  }

  toJSON(): TaskJSON {
    return {
      kind: 'task',
      pathspec: this.pathspec,
      flow: this.flowName,
      runId: this.runId,
      step: this.stepName,
      id: this.id,
      attempt: this.attempt,
      attempts: this.attempts,
      running: this.running,
      successful: this.successful,
      finished: this.finished,
      createdAt: isoOrNull(this.createdAt?.getTime()),
      startedAt: isoOrNull(this.startedAt?.getTime()),
      finishedAt: isoOrNull(this.finishedAt?.getTime()),
      index: this.index ?? null,
      foreachStack: [...this.foreachStack],
      parents: [...this.parents],
      originPathspec: this.originPathspec ?? null,
      exception: this.exception ?? null,
      artifacts: this.artifactNames().map((n) =>
        new DataArtifact(this.ctx, this.pathspec, n, this.refs[n]!).toJSON(),
      ),
    };
  }

  /** `toJSON()` with every artifact's `value` loaded (for `tsflow dump --json`). */
  async toJSONWithValues(opts?: ArtifactToJSONOptions): Promise<TaskJSON> {
    const artifacts = await this.artifacts();
    return { ...this.toJSON(), artifacts: await Promise.all(artifacts.map((a) => a.toJSONWithValue(opts))) };
  }
}

function linesToText(lines: LogLine[]): string {
  let out = '';
  for (const l of lines) out += `${l.text}\n`;
  return out;
}

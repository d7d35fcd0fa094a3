// Flow: the runs of one flow in a datastore.

import { ClientContext, type ClientOptions } from './context.js';
import { type FlowJSON, INSPECT } from './json.js';
import { LOAD_CONCURRENCY, mapLimit } from '../util/limit.js';
import { orNull } from './lookup.js';
import { compareIds } from './pathspec.js';
import { Run } from './run.js';
import type { FlowClass } from './types.js';

export interface RunsFilter {
  /** Only runs carrying this tag (or all of these tags), user or system (`user:ada`). */
  tag?: string | readonly string[];
}

export class Flow<F = unknown> {
  readonly kind = 'flow' as const;

  /** @internal Use `Flow.get` or `listFlows()`. */
  constructor(
    private readonly ctx: ClientContext,
    readonly name: string,
  ) {}

  /** The flow's pathspec is its name. */
  get pathspec(): string {
    return this.name;
  }

  /**
   * `Flow.get('PetsFlow')`, or `Flow.get(PetsFlow)` with the class itself, which also types the
   * artifacts (`Flow<PetsFlow>`). NotFoundError (listing the flows there are) when it has no data.
   */
  static async get<F = unknown>(flow: string | FlowClass<F>, opts: ClientOptions = {}): Promise<Flow<F>> {
    const ctx = ClientContext.from(opts);
    const name = typeof flow === 'string' ? flow : flow.name;
    await ctx.existingStore(name);
    return new Flow<F>(ctx, name);
  }

  /** Runs, newest first (by creation time, then id). Runs still being created are skipped. */
  async runs(filter: RunsFilter = {}): Promise<Run<F>[]> {
    const store = this.ctx.store(this.name);
    const ids = await store.listRuns();
    const loaded = await mapLimit(ids, LOAD_CONCURRENCY, async (id) => {
      const [record, status] = await Promise.all([
        orNull(() => store.readRun(id)),
        orNull(() => store.readRunStatus(id)),
      ]);
      return record ? new Run<F>(this.ctx, record, status) : undefined;
    });
    const wanted = filter.tag === undefined ? [] : typeof filter.tag === 'string' ? [filter.tag] : filter.tag;
    return loaded
      .filter((r): r is Run<F> => r !== undefined && wanted.every((t) => r.hasTag(t)))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareIds(b.id, a.id));
  }

  /** The newest run, or undefined when there is none. */
  /** The newest run (not counting `tsflow spin` runs, which hold a single re-run task). */
  async latestRun(): Promise<Run<F> | undefined> {
    return (await this.runs()).find((r) => !r.systemTags.includes('spin'));
  }

  /** The newest run that succeeded, or undefined. */
  async latestSuccessfulRun(): Promise<Run<F> | undefined> {
    return (await this.runs()).find((r) => r.successful && !r.systemTags.includes('spin'));
  }

  /** One run by id; NotFoundError listing the newest runs. */
  run(id: string): Promise<Run<F>> {
    return Run.load<F>(this.ctx, this.name, id);
  }

  /** `console.log(x)` shows the JSON form. */
  [INSPECT](): unknown {
    return this.toJSON();
  }

  toJSON(): FlowJSON {
    return { kind: 'flow', name: this.name, pathspec: this.pathspec };
  }
}

/** Every flow in the datastore, by name. */
export async function listFlows(opts: ClientOptions = {}): Promise<Flow[]> {
  const ctx = ClientContext.from(opts);
  return (await ctx.listFlows()).map((name) => new Flow(ctx, name));
}

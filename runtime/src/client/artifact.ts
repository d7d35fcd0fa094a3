// DataArtifact: one stored value of one task attempt. Holds only the manifest entry; the value is
// read (and verified) when `data()` is called.

import type { ArtifactRef } from '../datastore/types.js';
import { NotFoundError } from '../errors.js';
import type { ClientContext, ClientOptions } from './context.js';
import { type ArtifactJSON, type ArtifactToJSONOptions, artifactToJSON, INSPECT } from './json.js';
import { parsePathspec } from './pathspec.js';
// A cycle (task.ts imports this module), safe because neither uses the other at load time.
import { Task } from './task.js';

export class DataArtifact<T = unknown> {
  readonly kind = 'artifact' as const;
  readonly flowName: string;
  readonly runId: string;
  readonly stepName: string;
  readonly taskId: string;
  /** `Flow/run/step/task/name`. */
  readonly pathspec: string;
  /** sha256 of the serialized bytes. */
  readonly sha: string;
  /** Serialized size in bytes. */
  readonly size: number;
  /** `v8` or `raw:<Type>`. */
  readonly encoding: string;
  /** `number`, `Array(6)`, `Map(3)`, `Float64Array(100)`, a class name... */
  readonly type: string;

  /** @internal Use `DataArtifact.get` or `task.artifact(name)`. */
  constructor(
    private readonly ctx: ClientContext,
    /** `Flow/run/step/task` of the task holding it. */
    readonly taskPathspec: string,
    readonly name: string,
    ref: ArtifactRef,
  ) {
    const [flow, runId, step, taskId] = taskPathspec.split('/') as [string, string, string, string];
    this.flowName = flow;
    this.runId = runId;
    this.stepName = step;
    this.taskId = taskId;
    this.pathspec = `${taskPathspec}/${name}`;
    this.sha = ref.sha;
    this.size = ref.size;
    this.encoding = ref.encoding;
    this.type = ref.type;
  }

  /** `DataArtifact.get('Flow/run/step/task/name')`, from the task's latest committed attempt. */
  static async get<T = unknown>(
    pathspec: string,
    opts: ClientOptions | ClientContext = {},
  ): Promise<DataArtifact<T>> {
    const p = parsePathspec(pathspec, 'artifact');
    const task = await Task.get(`${p.flow}/${p.runId}/${p.step}/${p.taskId}`, opts);
    return (await task.artifact(p.artifact!)) as DataArtifact<T>;
  }

  /** Loads the value (reads the blob, checks its hash, deserializes). Not cached: each call reads again. */
  async data(): Promise<T> {
    const ref: ArtifactRef = { sha: this.sha, size: this.size, encoding: this.encoding, type: this.type };
    return (await this.ctx
      .store(this.flowName)
      .loadArtifact(ref, { artifact: this.name, pathspec: this.taskPathspec })) as T;
  }

  /** `console.log(x)` shows the JSON form. */
  [INSPECT](): unknown {
    return this.toJSON();
  }

  toJSON(): ArtifactJSON {
    return {
      kind: 'artifact',
      pathspec: this.pathspec,
      name: this.name,
      sha: this.sha,
      size: this.size,
      encoding: this.encoding,
      type: this.type,
    };
  }

  /** `toJSON()` plus `value` (the loaded value through `artifactToJSON`). */
  async toJSONWithValue(opts?: ArtifactToJSONOptions): Promise<ArtifactJSON> {
    return { ...this.toJSON(), value: artifactToJSON(await this.data(), opts) };
  }
}

/** The NotFoundError for a missing artifact of a task. */
export function artifactNotFound(
  taskPathspec: string,
  name: string,
  names: readonly string[],
): NotFoundError {
  return new NotFoundError(
    `no artifact '${name}' in task ${taskPathspec}; ${names.length > 0 ? `artifacts: ${names.join(', ')}` : 'it has no artifacts'}`,
  );
}

// `get(pathspec)`: the object a pathspec names, whatever its depth (for `tsflow dump`).

import type { DataArtifact } from './artifact.js';
import { ClientContext } from './context.js';
import { Flow } from './flow.js';
import { parsePathspec } from './pathspec.js';
import { Run } from './run.js';
import { Step } from './step.js';
import { Task, type TaskOptions } from './task.js';

export type ClientObject = Flow | Run | Step | Task | DataArtifact;

/**
 * `Flow`, `Run`, `Step`, `Task` or `DataArtifact` for `Flow[/run[/step[/task[/artifact]]]]`
 * (tell them apart by `.kind`). UserError for a malformed pathspec, NotFoundError naming what
 * does not exist and listing what does.
 */
export async function get(pathspec: string, opts: TaskOptions = {}): Promise<ClientObject> {
  const p = parsePathspec(pathspec);
  const ctx = ClientContext.from(opts);
  switch (p.kind) {
    case 'flow':
      return Flow.get(p.flow, ctx);
    case 'run':
      return Run.load(ctx, p.flow, p.runId!);
    case 'step':
      return Step.load(ctx, p.flow, p.runId!, p.step!);
    case 'task':
      return Task.load(ctx, p.flow, { runId: p.runId!, step: p.step!, taskId: p.taskId! }, opts.attempt);
    case 'artifact': {
      const task = await Task.load(
        ctx,
        p.flow,
        { runId: p.runId!, step: p.step!, taskId: p.taskId! },
        opts.attempt,
      );
      return task.artifact(p.artifact!);
    }
  }
}

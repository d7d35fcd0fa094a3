// A datastore populated through FlowStore calls, the way the scheduler and the task worker write
// it: a run of `_parameters`, `start`, a foreach `body` over 3 items, `join`, `end`.

import type { FlowStore, ForeachFrame, RunStatus, TaskKey } from '../../../runtime/src/datastore/types.js';
import type { FlowGraph } from '../../../runtime/src/graph/types.js';

export const FLOW = 'PetsFlow';

export interface FakeRunOptions {
  createdAt: number;
  /** The status record to write; 'none' writes none. */
  status: RunStatus | 'none';
  /** Record the graph (steps in graph order) or not (ordered by step creation time). */
  graph?: boolean;
  /** The second foreach task fails and the run stops there. */
  failBody?: boolean;
  tags?: string[];
}

export interface FakeRun {
  runId: string;
  /** Task ids by step. */
  tasks: Record<string, string[]>;
}

const STEPS = ['start', 'body', 'join', 'end'];

export function fakeGraph(): FlowGraph {
  return {
    schema: 1,
    name: FLOW,
    file: '/flows/pets.ts',
    start: 'start',
    end: 'end',
    steps: STEPS.map((name) => ({ name })),
    parameters: [],
  } as unknown as FlowGraph;
}

export async function fakeRun(store: FlowStore, opts: FakeRunOptions): Promise<FakeRun> {
  const run = await store.createRun({
    flow: FLOW,
    file: '/flows/pets.ts',
    user: 'ada',
    tags: opts.tags ?? [],
    systemTags: ['user:ada', 'runtime:node20'],
    createdAt: opts.createdAt,
    parameters: { alpha: 0.5 },
    host: 'laptop',
    pid: 4242,
  });
  const runId = run.runId;
  if (opts.status !== 'none') await store.writeRunStatus(runId, opts.status);
  if (opts.graph) await store.writeGraph(runId, fakeGraph());
  const t0 = opts.createdAt;
  const tasks: Record<string, string[]> = {};
  let nextId = 0;

  const task = async (
    step: string,
    artifacts: Record<string, unknown>,
    extra: { parents?: string[]; foreachStack?: ForeachFrame[]; fail?: boolean; taskId?: string } = {},
  ): Promise<TaskKey> => {
    const taskId = extra.taskId ?? String(nextId++);
    const key: TaskKey = { runId, step, taskId };
    tasks[step] = [...(tasks[step] ?? []), taskId];
    const at = t0 + 1000 * (Number(taskId) + 1);
    await store.writeTaskRecord({
      flow: FLOW,
      ...key,
      createdAt: at,
      parents: extra.parents ?? [],
      foreachStack: extra.foreachStack ?? [],
      branchStack: [],
    });
    await store.startAttempt(key, {
      attempt: 0,
      startedAt: at + 1,
      pid: 100 + Number(taskId),
      host: 'laptop',
    });
    await store.appendLog(key, 0, 'stdout', [{ ts: at + 2, text: `hello from ${step}/${taskId}` }]);
    const pathspec = `${FLOW}/${runId}/${step}/${taskId}`;
    const refs: Record<string, Awaited<ReturnType<FlowStore['saveArtifact']>>> = {};
    for (const [name, value] of Object.entries(artifacts)) {
      refs[name] = await store.saveArtifact(value, { artifact: name, pathspec });
    }
    if (extra.fail) {
      await store.appendLog(key, 0, 'stderr', [{ ts: at + 3, text: 'Error: bad item' }]);
      await store.commitAttempt(key, null, {
        attempt: 0,
        finishedAt: at + 4,
        finished: false,
        successful: false,
        exitCode: 1,
        error: { name: 'Error', message: 'bad item', stack: 'Error: bad item\n    at body' },
      });
    } else {
      await store.commitAttempt(
        key,
        { attempt: 0, artifacts: refs, transition: step === 'end' ? null : { next: ['x'] } },
        { attempt: 0, finishedAt: at + 4, finished: true, successful: true, exitCode: 0 },
      );
    }
    return key;
  };

  const step = (name: string, createdAt: number) => store.writeStepRecord(runId, { step: name, createdAt });
  const spec = (k: TaskKey) => `${FLOW}/${runId}/${k.step}/${k.taskId}`;

  await step('_parameters', t0);
  const params = await task('_parameters', { alpha: 0.5 });
  await step('start', t0 + 1);
  const start = await task(
    'start',
    { alpha: 0.5, items: ['dog', 'cat', 'owl'], _transition: 'internal' },
    { parents: [spec(params)] },
  );
  await step('body', t0 + 2);
  const bodies: TaskKey[] = [];
  for (let i = 0; i < 3; i++) {
    const frame: ForeachFrame = { step: 'start', var: 'items', numSplits: 3, index: i, taskId: start.taskId };
    const fail = opts.failBody && i === 1;
    bodies.push(
      await task(
        'body',
        { alpha: 0.5, items: ['dog', 'cat', 'owl'], result: i * 10, label: ['dog', 'cat', 'owl'][i] },
        { parents: [spec(start)], foreachStack: [frame], fail },
      ),
    );
    if (fail) return { runId, tasks };
  }
  await step('join', t0 + 3);
  const join = await task('join', { alpha: 0.5, total: 30 }, { parents: bodies.map(spec) });
  await step('end', t0 + 4);
  await task('end', { alpha: 0.5, total: 30, pets: ['dog', 'cat', 'owl'] }, { parents: [spec(join)] });
  return { runId, tasks };
}

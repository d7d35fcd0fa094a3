import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DataArtifact,
  Flow,
  get,
  HEARTBEAT_TIMEOUT_MS,
  listFlows,
  Run,
  Step,
  Task,
} from '../../../runtime/src/client/index.js';
import { openFlowStore } from '../../../runtime/src/datastore/root.js';
import type { FlowStore } from '../../../runtime/src/datastore/types.js';
import { CorruptDataError, NotFoundError, UserError } from '../../../runtime/src/errors.js';
import { FLOW, type FakeRun, fakeRun } from './fixture.js';

/** What the flow class looks like to the type system (the client only needs its field types). */
class PetsFlow {
  alpha = 0.5;
  items: string[] = [];
  result = 0;
  total = 0;
  pets: string[] = [];
  _hidden = 1;
  start(): void {}
}

let tmp: string;
/** Other datastores, outside `tmp` so they are not mistaken for flows of it. */
let other: string;
let store: FlowStore;
let opts: { datastoreRoot: string };
const now = Date.now();
const runs: Record<'old' | 'good' | 'failed' | 'stale' | 'live' | 'nograph', FakeRun> = {} as never;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-client-'));
  other = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-client-other-'));
  opts = { datastoreRoot: tmp };
  store = openFlowStore(tmp, FLOW);
  const ok = (at: number) => ({
    status: 'succeeded' as const,
    heartbeatAt: at + 50_000,
    finishedAt: at + 60_000,
  });
  runs.old = await fakeRun(store, {
    createdAt: now - 50 * 60_000,
    status: ok(now - 50 * 60_000),
    graph: true,
    tags: ['v1'],
  });
  runs.good = await fakeRun(store, {
    createdAt: now - 40 * 60_000,
    status: ok(now - 40 * 60_000),
    graph: true,
    tags: ['v2', 'gold'],
  });
  runs.nograph = await fakeRun(store, {
    createdAt: now - 30 * 60_000,
    status: ok(now - 30 * 60_000),
    graph: false,
    tags: ['v2'],
  });
  runs.failed = await fakeRun(store, {
    createdAt: now - 20 * 60_000,
    status: {
      status: 'failed',
      heartbeatAt: now - 19 * 60_000,
      finishedAt: now - 19 * 60_000,
      error: 'PetsFlow/x/body/3: bad item',
    },
    graph: true,
    failBody: true,
  });
  // The scheduler died 5 minutes ago without writing a final status.
  runs.stale = await fakeRun(store, {
    createdAt: now - 10 * 60_000,
    status: { status: 'running', heartbeatAt: now - 5 * 60_000 },
    graph: true,
    failBody: true,
  });
  runs.live = await fakeRun(store, {
    createdAt: now - 60_000,
    status: { status: 'running', heartbeatAt: now - 2_000 },
    graph: true,
    failBody: true,
  });
  // Another flow, and junk that is not a flow.
  await openFlowStore(tmp, 'OtherFlow').writeRunStatus('1', { status: 'running', heartbeatAt: 0 });
  fs.mkdirSync(path.join(tmp, '.trash'));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(other, { recursive: true, force: true });
});

const ps = (r: FakeRun, ...rest: string[]) => [FLOW, r.runId, ...rest].join('/');

describe('Flow', () => {
  it('lists flows and finds one by name or by class', async () => {
    assert.deepEqual(
      (await listFlows(opts)).map((f) => f.name),
      ['OtherFlow', 'PetsFlow'],
    );
    const byName = await Flow.get(FLOW, opts);
    assert.equal(byName.pathspec, 'PetsFlow');
    const byClass = await Flow.get(PetsFlow, opts);
    assert.equal(byClass.name, 'PetsFlow');
    assert.deepEqual(byClass.toJSON(), { kind: 'flow', name: 'PetsFlow', pathspec: 'PetsFlow' });
  });

  it('a missing flow is NotFoundError listing the flows there are', async () => {
    await assert.rejects(
      () => Flow.get('PetFlow', opts),
      (e: unknown) => {
        assert.ok(e instanceof NotFoundError);
        assert.match(e.message, /no flow 'PetFlow' in datastore .*; flows: OtherFlow, PetsFlow/);
        return true;
      },
    );
    await assert.rejects(() => Flow.get('../etc', opts), NotFoundError);
  });

  it('runs are newest first; tags filter them', async () => {
    const flow = await Flow.get(FLOW, opts);
    const ids = (await flow.runs()).map((r) => r.id);
    assert.deepEqual(
      ids,
      [runs.live, runs.stale, runs.failed, runs.nograph, runs.good, runs.old].map((r) => r.runId),
    );
    assert.deepEqual(
      (await flow.runs({ tag: 'v2' })).map((r) => r.id),
      [runs.nograph.runId, runs.good.runId],
    );
    assert.deepEqual(
      (await flow.runs({ tag: ['v2', 'gold'] })).map((r) => r.id),
      [runs.good.runId],
    );
    assert.equal((await flow.runs({ tag: 'user:ada' })).length, 6, 'system tags match too');
    assert.equal((await flow.latestRun())?.id, runs.live.runId);
  });

  it('latestSuccessfulRun skips failed, dead and running runs', async () => {
    const flow = await Flow.get(FLOW, opts);
    assert.equal((await flow.latestSuccessfulRun())?.id, runs.nograph.runId);
  });

  it('runs with the same creation time are ordered by id', async () => {
    const root = path.join(other, 'ties');
    const s = openFlowStore(root, FLOW);
    const at = now - 1000;
    const a = await fakeRun(s, { createdAt: at, status: 'none' });
    const b = await fakeRun(s, { createdAt: at, status: 'none' });
    const flow = await Flow.get(FLOW, { datastoreRoot: root });
    assert.deepEqual(
      (await flow.runs()).map((r) => r.id),
      [b.runId, a.runId],
    );
  });
});

describe('Run', () => {
  it('exposes the run record and status', async () => {
    const run = await Run.get(ps(runs.good), opts);
    assert.equal(run.id, runs.good.runId);
    assert.equal(run.flowName, FLOW);
    assert.equal(run.pathspec, `PetsFlow/${runs.good.runId}`);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.successful, true);
    assert.equal(run.finished, true);
    assert.equal(run.createdAt.getTime(), now - 40 * 60_000);
    assert.equal(run.finishedAt?.getTime(), now - 40 * 60_000 + 60_000);
    assert.equal(run.user, 'ada');
    assert.deepEqual(run.tags, ['v2', 'gold']);
    assert.deepEqual(run.systemTags, ['user:ada', 'runtime:node20']);
    assert.deepEqual(run.parameters, { alpha: 0.5 });
    assert.equal(run.error, undefined);
  });

  it('a failed run says why', async () => {
    const run = await Run.get(ps(runs.failed), opts);
    assert.equal(run.status, 'failed');
    assert.equal(run.successful, false);
    assert.equal(run.finished, true);
    assert.equal(run.error, 'PetsFlow/x/body/3: bad item');
    assert.equal(await run.endTask(), undefined);
    await assert.rejects(async () => run.data.pets, /has no end task yet/);
  });

  it('a running run with a heartbeat older than 60 s reads failed; a fresh one reads running', async () => {
    const stale = await Run.get(ps(runs.stale), opts);
    assert.equal(stale.status, 'failed');
    assert.equal(stale.finished, true);
    assert.match(
      stale.error ?? '',
      /scheduler \(pid 4242 on laptop\) stopped without finishing the run \(last heartbeat/,
    );
    const live = await Run.get(ps(runs.live), opts);
    assert.equal(live.status, 'running');
    assert.equal(live.finished, false);
    assert.equal(live.error, undefined);
    // The same run, read 61 s later.
    const later = await Run.get(ps(runs.live), {
      ...opts,
      now: () => now - 2_000 + HEARTBEAT_TIMEOUT_MS + 1_000,
    });
    assert.equal(later.status, 'failed');
  });

  it('a run with no status record yet is running for a minute, then failed', async () => {
    const root = path.join(other, 'nostatus');
    const s = openFlowStore(root, FLOW);
    const r = await fakeRun(s, { createdAt: now, status: 'none' });
    assert.equal((await Run.get(ps(r), { datastoreRoot: root, now: () => now + 1000 })).status, 'running');
    assert.equal((await Run.get(ps(r), { datastoreRoot: root, now: () => now + 120_000 })).status, 'failed');
  });

  it('steps hide _parameters and follow the graph; without a graph, creation order', async () => {
    const run = await Run.get(ps(runs.good), opts);
    assert.deepEqual(
      (await run.steps()).map((s) => s.name),
      ['start', 'body', 'join', 'end'],
    );
    const nograph = await Run.get(ps(runs.nograph), opts);
    assert.equal(await nograph.graph(), null);
    assert.deepEqual(
      (await nograph.steps()).map((s) => s.name),
      ['start', 'body', 'join', 'end'],
    );
    assert.equal((await run.graph())?.end, 'end');
    assert.equal((await run.step('_parameters')).taskIds[0], '0', '_parameters is reachable by name');
  });

  it('data is the end task data', async () => {
    const run = await Run.get<PetsFlow>(ps(runs.good), opts);
    const pets: string[] = await run.data.pets;
    assert.deepEqual(pets, ['dog', 'cat', 'owl']);
    const end = await run.endTask();
    assert.equal(end?.pathspec, ps(runs.good, 'end', '6'));
  });

  it('a missing step names the run and lists its steps', async () => {
    const run = await Run.get(ps(runs.good), opts);
    await assert.rejects(() => run.step('joinn'), {
      name: 'NotFoundError',
      message: `no step 'joinn' in run PetsFlow/${runs.good.runId}; steps: start, body, join, end`,
    });
  });

  it('tags can be added and removed', async () => {
    const run = await Run.get(ps(runs.old), opts);
    const tagged = await run.addTags('best', 'v1');
    assert.deepEqual(tagged.tags, ['v1', 'best']);
    const untagged = await tagged.removeTags('v1');
    assert.deepEqual(untagged.tags, ['best']);
    assert.deepEqual((await Run.get(ps(runs.old), opts)).tags, ['best']);
  });

  it('toJSON has the documented shape', async () => {
    const run = await Run.get(ps(runs.good), opts);
    const json = JSON.parse(JSON.stringify(run));
    assert.deepEqual(json, {
      kind: 'run',
      pathspec: `PetsFlow/${runs.good.runId}`,
      flow: 'PetsFlow',
      id: runs.good.runId,
      status: 'succeeded',
      successful: true,
      finished: true,
      createdAt: new Date(now - 40 * 60_000).toISOString(),
      finishedAt: new Date(now - 40 * 60_000 + 60_000).toISOString(),
      heartbeatAt: new Date(now - 40 * 60_000 + 50_000).toISOString(),
      error: null,
      user: 'ada',
      tags: ['v2', 'gold'],
      systemTags: ['user:ada', 'runtime:node20'],
      parameters: { alpha: 0.5 },
      originRunId: null,
      file: '/flows/pets.ts',
      host: 'laptop',
      pid: 4242,
    });
  });
});

describe('Step', () => {
  it('has its tasks in id order, times, and a first task', async () => {
    const step = await Step.get(ps(runs.good, 'body'), opts);
    assert.equal(step.name, 'body');
    assert.equal(step.pathspec, ps(runs.good, 'body'));
    assert.deepEqual(step.taskIds, ['2', '3', '4']);
    assert.deepEqual(
      (await step.tasks()).map((t) => t.index),
      [0, 1, 2],
    );
    assert.equal((await step.task()).id, '2');
    assert.equal(step.createdAt?.getTime(), now - 40 * 60_000 + 2);
    // The last task (id 4) finished at createdAt + 1000 * 5 + 4.
    assert.equal(step.finishedAt?.getTime(), now - 40 * 60_000 + 5004);
    assert.deepEqual(step.toJSON(), {
      kind: 'step',
      pathspec: ps(runs.good, 'body'),
      flow: 'PetsFlow',
      runId: runs.good.runId,
      name: 'body',
      createdAt: new Date(now - 40 * 60_000 + 2).toISOString(),
      finishedAt: new Date(now - 40 * 60_000 + 5004).toISOString(),
      tasks: ['2', '3', '4'],
    });
  });

  it('orders task ids numerically and has no finishedAt while a task is unfinished', async () => {
    const root = path.join(other, 'numeric');
    const s = openFlowStore(root, FLOW);
    const r = await fakeRun(s, { createdAt: now, status: 'none' });
    for (const id of ['10', '9', '11']) {
      await s.writeTaskRecord({
        flow: FLOW,
        runId: r.runId,
        step: 'body',
        taskId: id,
        createdAt: now,
        parents: [],
        foreachStack: [],
        branchStack: [],
      });
    }
    const step = await Step.get(ps(r, 'body'), { datastoreRoot: root });
    assert.deepEqual(step.taskIds, ['2', '3', '4', '9', '10', '11']);
    assert.equal(step.finishedAt, undefined);
  });
});

describe('Task', () => {
  it('exposes its record and attempt', async () => {
    const task = await Task.get(ps(runs.good, 'body', '3'), opts);
    assert.equal(task.id, '3');
    assert.equal(task.stepName, 'body');
    assert.equal(task.runId, runs.good.runId);
    assert.equal(task.pathspec, ps(runs.good, 'body', '3'));
    assert.equal(task.attempt, 0);
    assert.equal(task.attempts, 1);
    assert.equal(task.successful, true);
    assert.equal(task.finished, true);
    assert.equal(task.running, false);
    assert.equal(task.index, 1);
    assert.deepEqual(task.foreachStack, [
      { step: 'start', var: 'items', numSplits: 3, index: 1, taskId: '1' },
    ]);
    assert.deepEqual(task.parents, [ps(runs.good, 'start', '1')]);
    assert.equal(task.exception, undefined);
    assert.equal(task.createdAt?.getTime(), now - 40 * 60_000 + 4000);
    assert.equal(task.finishedAt?.getTime(), now - 40 * 60_000 + 4004);
    const start = await Task.get(ps(runs.good, 'start', '1'), opts);
    assert.equal(start.index, undefined);
  });

  it('lists public artifacts, parameters included, internals hidden', async () => {
    const task = await Task.get(ps(runs.good, 'start', '1'), opts);
    const arts = await task.artifacts();
    assert.deepEqual(
      arts.map((a) => a.name),
      ['alpha', 'items'],
    );
    assert.deepEqual(Object.keys(task.data), ['alpha', 'items']);
    assert.ok('items' in task.data);
    assert.ok(!('_transition' in task.data));
    const items = await task.artifact('items');
    assert.equal(items.type, 'Array(3)');
    assert.equal(items.encoding, 'v8');
    assert.match(items.sha, /^[0-9a-f]{64}$/);
    assert.ok(items.size > 0);
    assert.deepEqual(await items.data(), ['dog', 'cat', 'owl']);
    assert.equal(items.pathspec, ps(runs.good, 'start', '1', 'items'));
  });

  it('data is typed by the flow class and loads only the artifact touched', async () => {
    const root = path.join(other, 'lazy');
    const s = openFlowStore(root, FLOW);
    const r = await fakeRun(s, { createdAt: now, status: 'none' });
    const task = await Task.get<PetsFlow>(ps(r, 'end', '6'), { datastoreRoot: root });
    // Delete the blob of another artifact: the touched one still loads.
    const totalSha = (await task.artifact('total')).sha;
    fs.rmSync(path.join(root, FLOW, 'data', totalSha.slice(0, 2), totalSha));
    const pets: Promise<string[]> = task.data.pets;
    assert.deepEqual(await pets, ['dog', 'cat', 'owl']);
    assert.equal(task.data.pets, pets, 'cached: the same promise');
    await assert.rejects(async () => task.data.total, CorruptDataError);
    // Accessing `then` must not make the data object look like a promise.
    assert.equal(await Promise.resolve(task.data), task.data);
    // Compile-time checks: methods and `_` names are not artifacts.
    // @ts-expect-error `start` is a step, not an artifact
    void task.data.start;
    // @ts-expect-error internal names are hidden
    void task.data._hidden;
    const untyped = await Task.get(ps(r, 'end', '6'), { datastoreRoot: root });
    // Untyped: any name, a Promise<unknown> (`| undefined` only because of noUncheckedIndexedAccess).
    const anything = untyped.data.whatever as Promise<unknown>;
    await assert.rejects(
      async () => anything,
      /no artifact 'whatever' in task .*; artifacts: alpha, pets, total/,
    );
  });

  it('a failed task has its exception and its logs', async () => {
    const task = await Task.get(ps(runs.failed, 'body', '3'), opts);
    assert.equal(task.successful, false);
    assert.equal(task.finished, false);
    assert.equal(task.running, false);
    assert.deepEqual(task.exception, {
      name: 'Error',
      message: 'bad item',
      stack: 'Error: bad item\n    at body',
    });
    assert.deepEqual(await task.artifacts(), []);
    assert.equal(await task.stdout(), 'hello from body/3\n');
    assert.equal(await task.stderr(), 'Error: bad item\n');
    const lines = await task.logLines('stdout');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.text, 'hello from body/3');
    assert.equal(lines[0]!.ts, now - 20 * 60_000 + 4002);
  });

  it('shows the latest committed attempt; older attempts by number', async () => {
    const root = path.join(other, 'attempts');
    const s = openFlowStore(root, FLOW);
    const r = await fakeRun(s, { createdAt: now, status: 'none', failBody: true });
    const key = { runId: r.runId, step: 'body', taskId: '3' };
    // Attempt 1 is in flight: the committed (failed) attempt 0 is shown, flagged as running.
    await s.startAttempt(key, { attempt: 1, startedAt: now + 10_000, pid: 1, host: 'h' });
    let task = await Task.get(ps(r, 'body', '3'), { datastoreRoot: root });
    assert.equal(task.attempt, 0);
    assert.equal(task.attempts, 2);
    assert.equal(task.running, true);
    assert.equal(task.successful, false);
    // Attempt 1 succeeds.
    const ref = await s.saveArtifact(10, { artifact: 'result', pathspec: ps(r, 'body', '3') });
    await s.commitAttempt(
      key,
      { attempt: 1, artifacts: { result: ref }, transition: null },
      { attempt: 1, finishedAt: now + 11_000, finished: true, successful: true },
    );
    await s.appendLog(key, 1, 'stdout', [{ ts: now, text: 'second try' }]);
    task = await Task.get(ps(r, 'body', '3'), { datastoreRoot: root });
    assert.equal(task.attempt, 1);
    assert.equal(task.running, false);
    assert.equal(task.successful, true);
    assert.equal(await task.data.result, 10);
    assert.equal(await task.stdout(), 'second try\n');
    const first = await Task.get(ps(r, 'body', '3'), { datastoreRoot: root, attempt: 0 });
    assert.equal(first.attempt, 0);
    assert.equal(first.exception?.message, 'bad item');
    assert.equal(await first.stdout(), 'hello from body/3\n');
    await assert.rejects(() => Task.get(ps(r, 'body', '3'), { datastoreRoot: root, attempt: 4 }), {
      name: 'NotFoundError',
      message: `no attempt 4 of task ${ps(r, 'body', '3')}; attempts: 0, 1`,
    });
  });

  it('a task whose only attempt is still running shows it, uncommitted', async () => {
    const root = path.join(other, 'inflight');
    const s = openFlowStore(root, FLOW);
    const r = await fakeRun(s, { createdAt: now, status: 'none' });
    const key = { runId: r.runId, step: 'end', taskId: '7' };
    await s.writeTaskRecord({
      flow: FLOW,
      ...key,
      createdAt: now,
      parents: [],
      foreachStack: [],
      branchStack: [],
    });
    let task = await Task.get(ps(r, 'end', '7'), { datastoreRoot: root });
    assert.equal(task.attempt, null);
    assert.equal(task.attempts, 0);
    assert.equal(task.running, false);
    assert.equal(await task.stdout(), '');
    await s.startAttempt(key, { attempt: 0, startedAt: now, pid: 1, host: 'h' });
    task = await Task.get(ps(r, 'end', '7'), { datastoreRoot: root });
    assert.equal(task.attempt, 0);
    assert.equal(task.running, true);
    assert.equal(task.finished, false);
    assert.deepEqual(await task.artifacts(), []);
  });

  it('toJSON and toJSONWithValues', async () => {
    const task = await Task.get(ps(runs.good, 'join', '5'), opts);
    const json = task.toJSON();
    assert.equal(json.kind, 'task');
    assert.equal(json.index, null);
    assert.equal(json.exception, null);
    assert.deepEqual(
      json.parents,
      ['2', '3', '4'].map((id) => ps(runs.good, 'body', id)),
    );
    assert.deepEqual(
      json.artifacts.map((a) => [a.name, a.type, 'value' in a]),
      [
        ['alpha', 'number', false],
        ['total', 'number', false],
      ],
    );
    const full = await task.toJSONWithValues();
    assert.deepEqual(
      full.artifacts.map((a) => [a.name, a.value]),
      [
        ['alpha', 0.5],
        ['total', 30],
      ],
    );
    assert.deepEqual(Object.keys(json).sort(), [
      'artifacts',
      'attempt',
      'attempts',
      'createdAt',
      'exception',
      'finished',
      'finishedAt',
      'flow',
      'foreachStack',
      'id',
      'index',
      'kind',
      'originPathspec',
      'parents',
      'pathspec',
      'runId',
      'running',
      'startedAt',
      'step',
      'successful',
    ]);
  });
});

describe('DataArtifact and get(pathspec)', () => {
  it('DataArtifact.get reads one artifact', async () => {
    const a = await DataArtifact.get<string[]>(ps(runs.good, 'end', '6', 'pets'), opts);
    assert.equal(a.name, 'pets');
    assert.equal(a.taskPathspec, ps(runs.good, 'end', '6'));
    assert.deepEqual(await a.data(), ['dog', 'cat', 'owl']);
    assert.deepEqual(await a.toJSONWithValue(), { ...a.toJSON(), value: ['dog', 'cat', 'owl'] });
  });

  it('returns the object the pathspec names, by depth', async () => {
    assert.equal((await get('PetsFlow', opts)).kind, 'flow');
    assert.equal((await get(ps(runs.good), opts)).kind, 'run');
    assert.equal((await get(ps(runs.good, 'join'), opts)).kind, 'step');
    assert.equal((await get(ps(runs.good, 'join', '5'), opts)).kind, 'task');
    const art = await get(ps(runs.good, 'join', '5', 'total'), opts);
    assert.equal(art.kind, 'artifact');
    assert.equal(await (art as DataArtifact).data(), 30);
  });

  const missing: [string, (r: string) => string, (r: string) => RegExp | string][] = [
    ['flow', () => 'PetFlow/1', () => /^no flow 'PetFlow' in datastore .*; flows: OtherFlow, PetsFlow$/],
    ['run', () => 'PetsFlow/123', () => /^no run '123' of flow PetsFlow; runs \(newest first\): \d+, /],
    [
      'step',
      (r) => `PetsFlow/${r}/joinn`,
      (r) => `no step 'joinn' in run PetsFlow/${r}; steps: start, body, join, end`,
    ],
    ['task', (r) => `PetsFlow/${r}/body/9`, (r) => `no task '9' in step PetsFlow/${r}/body; tasks: 2, 3, 4`],
    [
      'artifact',
      (r) => `PetsFlow/${r}/join/5/totl`,
      (r) => `no artifact 'totl' in task PetsFlow/${r}/join/5; artifacts: alpha, total`,
    ],
    ['invalid run id', () => 'PetsFlow/..', () => /^no run '\.\.' of flow PetsFlow/],
  ];
  for (const [what, spec, message] of missing) {
    it(`a missing ${what} is NotFoundError naming what does not exist and what does`, async () => {
      const id = runs.good.runId;
      await assert.rejects(
        () => get(spec(id), opts),
        (e: unknown) => {
          assert.ok(e instanceof NotFoundError, String(e));
          const m = message(id);
          if (typeof m === 'string') assert.equal(e.message, m);
          else assert.match(e.message, m);
          return true;
        },
      );
    });
  }

  it('a malformed pathspec is a UserError saying what is expected', async () => {
    for (const bad of ['', 'A//b', 'A/1/s/t/a/extra', '/A']) {
      await assert.rejects(
        () => get(bad, opts),
        (e: unknown) => {
          assert.ok(e instanceof UserError && !(e instanceof NotFoundError), String(e));
          assert.match(e.message, /bad pathspec '.*': expected Flow\/run\[\/step\[\/task\[\/artifact\]\]\]/);
          return true;
        },
      );
    }
    await assert.rejects(() => Task.get('PetsFlow/1/start', opts), /expected Flow\/run\/step\/task$/);
  });
});

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { listFlows, openFlowStore, resolveDatastoreRoot } from '../../../runtime/src/datastore/root.js';
import type { FlowStore, RunRecord, TaskKey } from '../../../runtime/src/datastore/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-flowstore-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function runRecord(flow: string): Omit<RunRecord, 'runId' | 'schema'> {
  return {
    flow,
    file: '/flows/x.ts',
    user: 'ada',
    tags: ['t1'],
    systemTags: ['user:ada'],
    createdAt: Date.now(),
    parameters: { alpha: 0.5 },
    host: 'h',
    pid: 1,
  };
}

describe('runs', () => {
  it('createRun claims a fresh numeric id and writes the record once', async () => {
    const store = openFlowStore(path.join(tmp, 'runs'), 'RunFlow');
    const a = await store.createRun(runRecord('RunFlow'));
    const b = await store.createRun(runRecord('RunFlow'));
    assert.match(a.runId, /^\d{16}$/, 'microseconds since the epoch');
    assert.notEqual(a.runId, b.runId);
    assert.equal(a.schema, 1);
    assert.deepEqual(await store.readRun(a.runId), a);
    assert.equal(await store.readRun('999'), null);
    assert.deepEqual((await store.listRuns()).sort(), [a.runId, b.runId].sort());
  });

  it('10 processes creating runs at the same moment get 10 distinct ids', async () => {
    const root = path.join(tmp, 'race');
    const startAt = Date.now() + 1500; // after every child has loaded
    const children = Array.from({ length: 10 }, () =>
      run(process.execPath, [
        '--import',
        'tsx',
        path.join(here, 'helpers', 'create-run.ts'),
        root,
        String(startAt),
      ]),
    );
    const ids = (await Promise.all(children)).map((r) => r.stdout.trim());
    assert.equal(ids.length, 10);
    assert.equal(new Set(ids).size, 10, `distinct: ${ids.join(' ')}`);
    const store = openFlowStore(root, 'RaceFlow');
    assert.deepEqual((await store.listRuns()).sort(), [...ids].sort());
    for (const id of ids) assert.equal((await store.readRun(id))?.runId, id);
  });

  it('status, graph and tags', async () => {
    const store = openFlowStore(path.join(tmp, 'status'), 'StatusFlow');
    const r = await store.createRun(runRecord('StatusFlow'));
    assert.equal(await store.readRunStatus(r.runId), null);
    await store.writeRunStatus(r.runId, { status: 'running', heartbeatAt: 1 });
    await store.writeRunStatus(r.runId, { status: 'failed', heartbeatAt: 2, finishedAt: 3, error: 'boom' });
    assert.deepEqual(await store.readRunStatus(r.runId), {
      status: 'failed',
      heartbeatAt: 2,
      finishedAt: 3,
      error: 'boom',
    });
    assert.equal(await store.readGraph(r.runId), null);
    const graph = { schema: 1, name: 'StatusFlow', steps: [] } as never;
    await store.writeGraph(r.runId, graph);
    assert.deepEqual(await store.readGraph(r.runId), graph);
    const retagged = await store.updateRunTags(r.runId, (tags) => [...tags, 'gold', 'gold']);
    assert.deepEqual(retagged.tags, ['t1', 'gold']);
    assert.deepEqual((await store.readRun(r.runId))?.tags, ['t1', 'gold']);
  });

  it('refuses ids that would break the layout', async () => {
    const store = openFlowStore(path.join(tmp, 'ids'), 'IdFlow');
    for (const bad of ['data', '_meta', '_x', '../up', 'a/b', '.hidden', '']) {
      await assert.rejects(() => store.readRun(bad), /invalid run id/, bad);
    }
    await assert.rejects(
      () => store.readTaskRecord({ runId: '1', step: '_meta', taskId: '1' }),
      /invalid step name/,
    );
    assert.throws(() => openFlowStore(tmp, 'not-a-class'), /invalid flow name/);
  });
});

describe('steps, tasks and attempts', () => {
  let store: FlowStore;
  let runId: string;
  const key = (): TaskKey => ({ runId, step: 'start', taskId: '1' });
  before(async () => {
    store = openFlowStore(path.join(tmp, 'tasks'), 'TaskFlow');
    runId = (await store.createRun(runRecord('TaskFlow'))).runId;
  });

  it('lists steps with records and tasks by folder', async () => {
    await store.writeStepRecord(runId, { step: '_parameters', createdAt: 1 });
    await store.writeStepRecord(runId, { step: 'start', createdAt: 2 });
    await store.writeTaskRecord({
      flow: 'TaskFlow',
      ...key(),
      createdAt: 3,
      parents: [`TaskFlow/${runId}/_parameters/0`],
      foreachStack: [],
      branchStack: [],
    });
    assert.deepEqual((await store.listSteps(runId)).sort(), ['_parameters', 'start']);
    assert.deepEqual(await store.readStepRecord(runId, 'start'), { step: 'start', createdAt: 2 });
    assert.equal(await store.readStepRecord(runId, 'nope'), null);
    assert.deepEqual(await store.listTasks(runId, 'start'), ['1']);
    assert.deepEqual(await store.listTasks(runId, 'nope'), []);
    assert.equal((await store.readTaskRecord(key()))?.parents[0], `TaskFlow/${runId}/_parameters/0`);
  });

  it('an attempt is visible only once committed, and commits exactly once', async () => {
    assert.equal(await store.latestAttempt(key()), null);
    await store.startAttempt(key(), { attempt: 0, startedAt: 10, pid: 1, host: 'h' });
    const running = await store.latestAttempt(key());
    assert.deepEqual(running, { attempt: 0, started: { attempt: 0, startedAt: 10, pid: 1, host: 'h' } });
    // A manifest written without its marker (a crash mid-commit) is not exposed.
    const ref = await store.saveArtifact(1, { artifact: 'x', pathspec: 'p' });
    fs.writeFileSync(
      path.join(tmp, 'tasks', 'TaskFlow', runId, 'start', '1', '0.data.json'),
      JSON.stringify({ attempt: 0, artifacts: { x: ref }, transition: null }),
    );
    assert.equal((await store.latestAttempt(key()))?.data, undefined);

    const data = { attempt: 0, artifacts: { x: ref }, transition: { next: ['end'] } };
    const done = { attempt: 0, finishedAt: 20, finished: true, successful: true };
    const results = await Promise.all([
      store.commitAttempt(key(), data, done),
      store.commitAttempt(key(), null, { ...done, successful: false }),
    ]);
    assert.equal(results.filter(Boolean).length, 1, 'exactly one commit wins');
    assert.equal(await store.commitAttempt(key(), data, done), false, 'later commits are refused');
    const view = await store.latestAttempt(key());
    assert.ok(view?.done);
    assert.deepEqual(view.data?.artifacts.x, ref);
  });

  it('latestAttempt is the highest started attempt, committed or not', async () => {
    await store.startAttempt(key(), { attempt: 1, startedAt: 30, pid: 2, host: 'h' });
    await store.startAttempt(key(), { attempt: 10, startedAt: 40, pid: 3, host: 'h' });
    assert.deepEqual(await store.listAttempts(key()), [0, 1, 10]);
    const latest = await store.latestAttempt(key());
    assert.equal(latest?.attempt, 10);
    assert.equal(latest?.done, undefined);
    assert.equal((await store.readAttempt(key(), 0))?.done?.finished, true);
    assert.equal(await store.readAttempt(key(), 5), null);
  });
});

describe('logs', () => {
  it('round-trips lines with their timestamps; multi-line text becomes several lines', async () => {
    const store = openFlowStore(path.join(tmp, 'logs'), 'LogFlow');
    const key = { runId: '1', step: 'start', taskId: '1' };
    assert.deepEqual(await store.readLog(key, 0, 'stdout'), []);
    const t = Date.parse('2024-01-02T03:04:05.678Z');
    await store.appendLog(key, 0, 'stdout', [
      { ts: t, text: 'hello world' },
      { ts: t + 1, text: '  spaces  and [brackets] 2024-01-01T00:00:00.000Z ' },
    ]);
    await store.appendLog(key, 0, 'stdout', [
      { ts: t + 2, text: 'two\nlines' },
      { ts: t + 3, text: '' },
    ]);
    await store.appendLog(key, 0, 'stderr', [{ ts: t, text: 'oops' }]);
    assert.deepEqual(await store.readLog(key, 0, 'stdout'), [
      { ts: t, text: 'hello world' },
      { ts: t + 1, text: '  spaces  and [brackets] 2024-01-01T00:00:00.000Z ' },
      { ts: t + 2, text: 'two' },
      { ts: t + 2, text: 'lines' },
      { ts: t + 3, text: '' },
    ]);
    assert.deepEqual(await store.readLog(key, 0, 'stderr'), [{ ts: t, text: 'oops' }]);
    const file = fs.readFileSync(
      path.join(tmp, 'logs', 'LogFlow', '1', 'start', '1', '0.stdout.log'),
      'utf8',
    );
    assert.ok(file.startsWith('2024-01-02T03:04:05.678Z hello world\n'), 'plain text, tail -f friendly');
  });

  it('a log is readable while another process appends to it', async () => {
    const root = path.join(tmp, 'live');
    const store = openFlowStore(root, 'LogFlow');
    const key = { runId: '7', step: 'start', taskId: '1' };
    const count = 3000;
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      path.join(here, 'helpers', 'append-log.ts'),
      root,
      '7',
      String(count),
    ]);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let finished = false;
    void exited.then(() => {
      finished = true;
    });
    let reads = 0;
    let sawPartial = false;
    let previous = 0;
    for (;;) {
      const done = finished;
      const lines = await store.readLog(key, 0, 'stdout');
      // Every line read is whole and in order, and the log only grows.
      lines.forEach((l, i) => {
        assert.equal(l.text, `line ${i} ${'x'.repeat(i % 50)}`);
        assert.ok(Number.isFinite(l.ts) && l.ts > 0);
      });
      assert.ok(lines.length >= previous);
      if (lines.length > 0 && lines.length < count) sawPartial = true;
      previous = lines.length;
      reads++;
      if (done) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.equal(await exited, 0);
    assert.equal(previous, count);
    assert.ok(reads > 1);
    assert.ok(sawPartial, 'read the log while it was being written');
  });
});

describe('datastore root', () => {
  it('explicit root, then env, then the nearest .tsflow above cwd, then <cwd>/.tsflow', () => {
    const base = path.join(tmp, 'rootfind');
    const deep = path.join(base, 'a', 'b', 'c');
    fs.mkdirSync(deep, { recursive: true });
    assert.equal(resolveDatastoreRoot({ cwd: deep, env: {} }), path.join(deep, '.tsflow'));
    fs.mkdirSync(path.join(base, 'a', '.tsflow'));
    assert.equal(resolveDatastoreRoot({ cwd: deep, env: {} }), path.join(base, 'a', '.tsflow'));
    assert.equal(resolveDatastoreRoot({ cwd: deep, env: { TSFLOW_DATASTORE_ROOT: '/srv/ds' } }), '/srv/ds');
    assert.equal(
      resolveDatastoreRoot({ cwd: deep, root: 'rel', env: { TSFLOW_DATASTORE_ROOT: '/srv/ds' } }),
      path.join(deep, 'rel'),
    );
    assert.equal(
      resolveDatastoreRoot({ cwd: deep, env: { TSFLOW_DATASTORE_ROOT: 'x' } }),
      path.join(deep, 'x'),
    );
  });

  it('lists flows, skipping dot folders and names that are not flow names', async () => {
    const root = path.join(tmp, 'flows');
    await openFlowStore(root, 'BFlow').writeRunStatus('1', { status: 'running', heartbeatAt: 0 });
    await openFlowStore(root, 'AFlow').writeRunStatus('1', { status: 'running', heartbeatAt: 0 });
    fs.mkdirSync(path.join(root, '.cache'));
    fs.mkdirSync(path.join(root, 'not-a-flow'));
    fs.writeFileSync(path.join(root, 'README'), 'x');
    assert.deepEqual(await listFlows(root), ['AFlow', 'BFlow']);
    assert.deepEqual(await listFlows(path.join(tmp, 'does-not-exist')), []);
  });
});

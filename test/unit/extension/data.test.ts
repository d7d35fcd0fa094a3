// The runs explorer's data service over a real datastore (written the way the scheduler writes
// it), and the artifact pages the viewer gets.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  aggregateStatus,
  artifactView,
  imageMime,
  PAGE_SIZE,
  pageOf,
  RunsDataService,
} from '../../../client/src/runs/data.js';
import { openFlowStore } from '../../../runtime/src/datastore/root.js';
import { FLOW, type FakeRun, fakeRun } from '../client/fixture.js';

let tmp: string;
let service: RunsDataService;
const now = Date.now();
const runs: Record<'good' | 'failed' | 'tagged', FakeRun> = {} as never;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-ext-data-'));
  const store = openFlowStore(tmp, FLOW);
  const ok = (at: number) => ({
    status: 'succeeded' as const,
    heartbeatAt: at + 5000,
    finishedAt: at + 6000,
  });
  runs.good = await fakeRun(store, {
    createdAt: now - 30 * 60_000,
    status: ok(now - 30 * 60_000),
    graph: true,
  });
  runs.tagged = await fakeRun(store, {
    createdAt: now - 20 * 60_000,
    status: ok(now - 20 * 60_000),
    graph: true,
    tags: ['gold'],
  });
  runs.failed = await fakeRun(store, {
    createdAt: now - 10 * 60_000,
    status: {
      status: 'failed',
      heartbeatAt: now - 9 * 60_000,
      finishedAt: now - 9 * 60_000,
      error: 'bad item',
    },
    graph: true,
    failBody: true,
  });
  service = new RunsDataService({ root: () => tmp });
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('RunsDataService', () => {
  it('lists flows, and none for a datastore that does not exist yet', async () => {
    assert.deepEqual(await service.flows(), [{ kind: 'flow', name: FLOW }]);
    const empty = new RunsDataService({ root: () => path.join(tmp, 'nope') });
    assert.deepEqual(await empty.flows(), []);
    assert.deepEqual(await new RunsDataService({ root: () => undefined }).flows(), []);
  });

  it('lists runs newest first with status, duration and tags; filters by tag', async () => {
    const list = await service.runs(FLOW);
    assert.deepEqual(
      list.map((r) => [r.id, r.status]),
      [
        [runs.failed.runId, 'failed'],
        [runs.tagged.runId, 'succeeded'],
        [runs.good.runId, 'succeeded'],
      ],
    );
    assert.equal(list[1]!.durationMs, 6000);
    assert.deepEqual(list[1]!.tags, ['gold']);
    assert.equal(list[0]!.error, 'bad item');
    service.tagFilters.set(FLOW, 'gold');
    assert.deepEqual(
      (await service.runs(FLOW)).map((r) => r.id),
      [runs.tagged.runId],
    );
    service.tagFilters.delete(FLOW);
    assert.equal((await service.latestRun(FLOW))?.id, runs.failed.runId);
  });

  it('pages the runs of a flow for the tree (newest first), caching finished runs', async () => {
    const page = await service.runsPage(FLOW, 2);
    assert.equal(page.total, 3);
    assert.deepEqual(
      page.runs.map((r) => r.id),
      [runs.failed.runId, runs.tagged.runId],
    );
    const again = await service.runsPage(FLOW, 2);
    assert.equal(again.runs[0], page.runs[0], 'a finished run is served from the cache');
    service.invalidate(FLOW, runs.failed.runId);
    const fresh = await service.runsPage(FLOW, 2);
    assert.notEqual(fresh.runs[0], page.runs[0]);
    assert.deepEqual(fresh.runs[0], page.runs[0]);
    service.tagFilters.set(FLOW, 'gold');
    assert.deepEqual(
      (await service.runsPage(FLOW)).runs.map((r) => r.id),
      [runs.tagged.runId],
    );
    service.tagFilters.delete(FLOW);
  });

  it('gives steps in graph order with task counts and statuses', async () => {
    const steps = await service.steps(FLOW, runs.good.runId);
    assert.deepEqual(
      steps.map((s) => [s.name, s.status, s.counts.total, s.counts.done]),
      [
        ['start', 'done', 1, 1],
        ['body', 'done', 3, 3],
        ['join', 'done', 1, 1],
        ['end', 'done', 1, 1],
      ],
    );
    assert.ok(steps.every((s) => typeof s.durationMs === 'number'));
    const failed = await service.steps(FLOW, runs.failed.runId);
    const body = failed.find((s) => s.name === 'body')!;
    assert.equal(body.status, 'failed');
    assert.deepEqual(body.counts, { total: 2, done: 1, running: 0, failed: 1 });
    assert.equal(body.error, 'Error: bad item');
  });

  it('gives tasks (foreach index, attempts) and their public artifacts', async () => {
    const tasks = await service.tasks(FLOW, runs.good.runId, 'body');
    assert.deepEqual(
      tasks.map((t) => [t.index, t.status, t.attempts]),
      [
        [0, 'done', 1],
        [1, 'done', 1],
        [2, 'done', 1],
      ],
    );
    const arts = await service.artifacts(tasks[1]!.pathspec);
    assert.deepEqual(
      arts.map((a) => a.name),
      ['alpha', 'items', 'label', 'result'],
    );
    assert.equal(arts[1]!.type, 'Array(3)');
  });

  it('reads an artifact page', async () => {
    const end = (await service.tasks(FLOW, runs.good.runId, 'end'))[0]!;
    const page = await service.artifactPage(`${end.pathspec}/pets`);
    assert.equal(page.view, 'tree');
    assert.deepEqual(page.value, ['dog', 'cat', 'owl']);
    assert.equal(page.total, 3);
  });

  it('summarises progress for the status bar and the DAG colouring', async () => {
    const p = await service.progress(FLOW, runs.failed.runId);
    assert.equal(p.status, 'failed');
    assert.deepEqual(p.steps, { start: 'done', body: 'failed' });
    assert.deepEqual(p.counts, { total: 3, done: 2, running: 0, failed: 1 });
    assert.equal(p.stepsTotal, 4);
    assert.equal(p.stepsDone, 1);
  });

  it('merges stdout and stderr of a step in time order', async () => {
    const text = await service.logText(`${FLOW}/${runs.failed.runId}/body`);
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /\[\d+\/body\/\d+\] hello from body/);
    assert.match(lines[2]!, /\(stderr\) Error: bad item$/);
  });
});

describe('artifact pages', () => {
  it('picks a renderer by value', () => {
    assert.equal(artifactView('text'), 'text');
    assert.equal(artifactView(3), 'scalar');
    assert.equal(artifactView(null), 'scalar');
    assert.equal(artifactView([1, 2, 3]), 'chart');
    assert.equal(artifactView([{ a: 1 }, { a: 2 }]), 'table');
    assert.equal(artifactView({ $type: 'Float64Array', length: 2, values: [1, 2] }), 'chart');
    assert.equal(artifactView({ $map: [] }), 'tree');
    assert.equal(artifactView(['a', 1]), 'tree');
  });

  it('cuts collections into pages', () => {
    const big = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `row ${i}` }));
    const p = pageOf('F/1/s/2/rows', 'Array(1000)', 1, big, 400);
    assert.equal(p.view, 'table');
    assert.equal(p.offset, 400);
    assert.equal(p.total, 1000);
    assert.equal((p.value as unknown[]).length, PAGE_SIZE);
    assert.deepEqual((p.value as { id: number }[])[0], { id: 400, name: 'row 400' });
    const typed = pageOf(
      'F/1/s/2/x',
      'Float64Array(500)',
      1,
      new Float64Array(500).map((_, i) => i),
      200,
    );
    assert.equal(typed.view, 'chart');
    assert.equal((typed.value as { values: number[] }).values[0], 200);
    const map = pageOf(
      'F/1/s/2/m',
      'Map(300)',
      1,
      new Map(Array.from({ length: 300 }, (_, i) => [i, `v${i}`])),
      200,
    );
    assert.equal(map.total, 300);
    assert.equal((map.value as { $map: unknown[] }).$map.length, 100);
  });

  it('sends PNG and JPEG buffers as images, other bytes as values', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    assert.equal(imageMime(png), 'image/png');
    assert.equal(imageMime(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
    const p = pageOf('F/1/s/2/img', 'Buffer', 12, png, 0);
    assert.equal(p.view, 'image');
    assert.equal(p.image?.mime, 'image/png');
    assert.equal(Buffer.from(p.image!.base64, 'base64').compare(png), 0);
    const other = pageOf('F/1/s/2/b', 'Buffer', 3, Buffer.from([1, 2, 3]), 0);
    assert.notEqual(other.view, 'image');
  });

  it('keeps markup in a value as data (the viewer renders it as text)', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const p = pageOf('F/1/s/2/html', 'string', 30, evil, 0);
    assert.equal(p.view, 'text');
    assert.equal(p.value, evil);
  });

  it('aggregates task statuses into a step status', () => {
    assert.equal(aggregateStatus([]), 'pending');
    assert.equal(aggregateStatus(['done', 'done']), 'done');
    assert.equal(aggregateStatus(['done', 'failed']), 'failed');
    assert.equal(aggregateStatus(['failed', 'running']), 'running');
    assert.equal(aggregateStatus(['done', 'pending']), 'running');
  });
});

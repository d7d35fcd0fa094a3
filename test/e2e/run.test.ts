// `tsflow run` end to end: every transition kind, parameters, artifacts, failures. Results are
// read back through the client API, as a notebook would.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Flow, Run, Task } from '../../runtime/src/client/index.ts';
import { flowFile, runIdOf, show, tempDir, tsflow } from './helpers.ts';

async function runOk(file: string, args: string[] = [], root = tempDir()) {
  const r = await tsflow(['run', file, ...args], { root });
  assert.equal(r.code, 0, show(r));
  const runId = runIdOf(r);
  return { r, root, runId };
}

describe('transitions', () => {
  test('linear steps pass artifacts along, async steps are awaited', async () => {
    const { r, root, runId } = await runOk(flowFile('linear.ts'));
    assert.match(r.stdout, /\[\d+\/end\/3 \(pid \d+\)\] count=2 trail=start>middle>end/);
    const run = await Run.get(`LinearFlow/${runId}`, { datastoreRoot: root });
    assert.equal(run.successful, true);
    assert.deepEqual(
      (await run.steps()).map((s) => s.name),
      ['start', 'middle', 'end'],
    );
    assert.deepEqual(await run.data.trail, ['start', 'middle', 'end']);
  });

  test('nested foreach with a static split inside: every cell, in split-index order', async () => {
    const { root, runId } = await runOk(flowFile('nested-foreach.ts'));
    const run = await Run.get(`NestedForeachFlow/${runId}`, { datastoreRoot: root });
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(await run.data.table, [
      ['X1@0/x1@0', 'X2@1/x2@1'],
      ['Y1@0/y1@0', 'Y2@1/y2@1'],
      ['Z1@0/z1@0', 'Z2@1/z2@1'],
    ]);
    const inner = await (await run.step('inner')).tasks();
    assert.equal(inner.length, 6);
    const stacks = inner.map((t) =>
      t.foreachStack.map((f) => `${f.step}:${f.index}/${f.numSplits}`).join(' '),
    );
    assert.ok(stacks.includes('start:2/3 outer:1/2'), stacks.join('\n'));
  });

  test('switch: a self-loop runs until its condition says done, then the chosen branch', async () => {
    const { r, root, runId } = await runOk(flowFile('switch.ts'), ['--limit', '4', '--mode', 'careful']);
    assert.match(r.stdout, /path=loop1,loop2,loop3,loop4,slow/);
    const run = await Run.get(`SwitchFlow/${runId}`, { datastoreRoot: root });
    const names = (await run.steps()).map((s) => s.name);
    assert.ok(names.includes('slow') && !names.includes('quick'), names.join(','));
    assert.equal((await (await run.step('loop')).tasks()).length, 4);
  });

  test('a switch value that is not a case fails the task naming the condition', async () => {
    const r = await tsflow(['run', flowFile('switch.ts'), '--mode', 'sideways'], { root: tempDir() });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /condition 'route' is sideways, which is none of the cases fast, careful/);
  });

  test('foreach: one task per element, join inputs in split order', async () => {
    const { root, runId } = await runOk(flowFile('wide.ts'), ['--n', '7', '--max-workers', '3']);
    const run = await Run.get(`WideFlow/${runId}`, { datastoreRoot: root });
    assert.equal(
      await run.data.total,
      [0, 1, 2, 3, 4, 5, 6].reduce((s, i) => s + i * i, 0),
    );
    const body = await (await run.step('body')).tasks();
    assert.deepEqual(
      (await Promise.all(body.map((t) => t.data.square))).sort((a, b) => (a as number) - (b as number)),
      [0, 1, 4, 9, 16, 25, 36],
    );
    assert.deepEqual(body.map((t) => t.index).sort(), [0, 1, 2, 3, 4, 5, 6]);
  });

  test('--max-num-splits stops a foreach that is too wide, naming the step and the count', async () => {
    const r = await tsflow(['run', flowFile('wide.ts'), '--n', '12', '--max-num-splits', '10'], {
      root: tempDir(),
    });
    assert.equal(r.code, 1, show(r));
    assert.match(
      r.stderr,
      /step 'start': foreach over 'items' would start 12 tasks, more than --max-num-splits 10/,
    );
  });
});

describe('parameters', () => {
  const file = flowFile('params.ts');

  test('good values of every type reach the steps, typed; parameters are read-only', async () => {
    const { r, root, runId } = await runOk(file, [
      '--alpha',
      '0.7',
      '--name=tsflow',
      '--verbose',
      '--config',
      '{"layers":[3,4]}',
      '--count',
      '5',
    ]);
    assert.match(
      r.stdout,
      /seen \{"alpha":0\.7,"name":"tsflow","verbose":true,"config":\{"layers":\[3,4\]\},"count":5\}/,
    );
    assert.match(r.stdout, /assigning failed: Parameter 'alpha' is read-only/);
    const task = await Task.get(`ParamsFlow/${runId}/end/2`, { datastoreRoot: root });
    assert.equal(await task.data.alpha, 0.7);
    assert.deepEqual(await task.data.config, { layers: [3, 4] });
  });

  test('defaults apply when not given', async () => {
    const { r } = await runOk(file, ['--count', '1']);
    assert.match(
      r.stdout,
      /seen \{"alpha":0\.5,"name":"world","verbose":false,"config":\{"layers":\[1\]\},"count":1\}/,
    );
  });

  for (const [label, args, message] of [
    ['a bad number', ['--count', '1', '--alpha', 'abc'], /parameter --alpha must be a number, got 'abc'/],
    ['bad JSON', ['--count', '1', '--config', '{nope'], /parameter --config must be JSON/],
    [
      'an unknown parameter',
      ['--count', '1', '--beta', '2'],
      /unknown parameter --beta for ParamsFlow \(its parameters: --alpha, --name, --verbose, --config, --count\)/,
    ],
    ['a missing required parameter', [], /parameter --count is required for ParamsFlow \(how many\)/],
  ] as const) {
    test(`${label} exits 2 naming the parameter, before any run is recorded`, async () => {
      const root = tempDir();
      const r = await tsflow(['run', file, ...args], { root });
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, message);
      assert.equal(fs.existsSync(path.join(root, 'ParamsFlow')), false, 'no run was recorded');
    });
  }
});

describe('artifacts', () => {
  test('Map, Set, Date, BigInt, Buffer, typed arrays and RegExp round-trip between tasks and to the client', async () => {
    const { r, root, runId } = await runOk(flowFile('artifacts.ts'));
    assert.match(r.stdout, /checked 1111111111/);
    const data = (await Task.get(`ArtifactsFlow/${runId}/end/3`, { datastoreRoot: root })).data;
    const map = (await data.map) as Map<string, number>;
    assert.ok(map instanceof Map && map.get('a') === 1);
    assert.equal(await data.big, 12345678901234567890n);
    assert.ok(Buffer.isBuffer(await data.buf));
    const floats = (await data.floats) as Float64Array;
    assert.ok(floats instanceof Float64Array && floats[2] === Math.PI);
    assert.equal(((await data.date) as Date).toISOString(), '2026-01-02T03:04:05.678Z');
  });

  test('an unserializable value fails the task with an error naming the artifact and the step', async () => {
    const root = tempDir();
    const r = await tsflow(['run', flowFile('unserializable.ts')], { root });
    assert.equal(r.code, 1, show(r));
    assert.match(
      r.stderr,
      /cannot serialize artifact 'callback' of UnserializableFlow\/\d+\/start\/1: callback is a function/,
    );
    const run = await (await Flow.get('UnserializableFlow', { datastoreRoot: root })).latestRun();
    assert.equal(run?.status, 'failed');
    const task = await Task.get(`UnserializableFlow/${run!.id}/start/1`, { datastoreRoot: root });
    assert.equal(task.successful, false);
    assert.match(task.exception?.message ?? '', /artifact 'callback'/);
  });
});

describe('failures', () => {
  test('process.exit(3) in a step fails that task, not the scheduler; the sibling is stopped', async () => {
    const root = tempDir();
    const r = await tsflow(['run', flowFile('crash.ts')], { root });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /\/boom\/\d+ \(pid \d+\)\] about to exit/);
    assert.match(r.stderr, /Task failed: the task process exited with code 3 before the step finished/);
    assert.match(r.stderr, /Run CrashFlow\/\d+ failed/);
    const run = await (await Flow.get('CrashFlow', { datastoreRoot: root })).latestRun();
    assert.equal(run?.status, 'failed');
    const slow = await (await run!.step('slow')).task();
    assert.equal(slow.finished, false);
    assert.match(slow.exception?.message ?? '', /stopped by the scheduler/);
    assert.equal(
      (await run!.steps()).some((s) => s.name === 'join'),
      false,
    );
  });
});

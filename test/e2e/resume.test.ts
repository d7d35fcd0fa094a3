// Resume: clone what succeeded (side effects do not happen again), re-run the rest.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Run } from '../../runtime/src/client/index.ts';
import { flowFile, runIdOf, show, tempDir, tsflow } from './helpers.ts';

const file = flowFile('resumable.ts');

function sideEffects(log: string): string[] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
}

async function failedOrigin() {
  const root = tempDir();
  const log = path.join(root, 'side-effects.log');
  const r = await tsflow(['run', file, '--width', '5', '--max-workers', '6'], {
    root,
    env: { TSFLOW_TEST_LOG: log, FAIL_SPLIT: '1' },
  });
  assert.equal(r.code, 1, show(r));
  return { root, log, originId: runIdOf(r) };
}

describe('resume', () => {
  test('after a failure: clones the upstream and the successful splits, re-runs only the failed split, finishes', async () => {
    const { root, log, originId } = await failedOrigin();
    assert.deepEqual(sideEffects(log).sort(), ['body0', 'body1', 'body2', 'body3', 'body4', 'start']);
    const r = await tsflow(['resume', file], { root, env: { TSFLOW_TEST_LOG: log } });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, new RegExp(`Resume plan for ResumableFlow/${originId}:`));
    assert.match(r.stdout, /start +clone 1 task/);
    assert.match(r.stdout, /body +clone 4 tasks, re-run 1 task that did not succeed/);
    assert.match(r.stdout, /join +run \(not reached in the origin run\)/);
    // Each side effect of a cloned task happened once; only the failed split and what follows ran again.
    assert.deepEqual(sideEffects(log).sort(), [
      'body0',
      'body1',
      'body2',
      'body3',
      'body3',
      'body4',
      'end',
      'join',
      'start',
    ]);
    const resumed = await Run.get(`ResumableFlow/${runIdOf(r)}`, { datastoreRoot: root });
    assert.equal(resumed.successful, true);
    assert.equal(resumed.originRunId, originId);
    assert.equal(await resumed.data.total, 20);
    const start = await (await resumed.step('start')).task();
    assert.equal(start.originPathspec, `ResumableFlow/${originId}/start/1`);
    assert.equal(await start.stdout(), '', 'a clone did not run');
    // Cloned by pointer: the same blobs, no bytes copied.
    const originStart = await (
      await (await Run.get(`ResumableFlow/${originId}`, { datastoreRoot: root })).step('start')
    ).task();
    const shas = async (t: typeof start) => (await t.artifacts()).map((a) => `${a.name}:${a.sha}`).sort();
    assert.deepEqual(await shas(start), await shas(originStart));
  });

  test('from a named step: that step and everything after it run again, the rest is cloned', async () => {
    const root = tempDir();
    const log = path.join(root, 'side-effects.log');
    const first = await tsflow(['run', file, '--width', '3'], { root, env: { TSFLOW_TEST_LOG: log } });
    assert.equal(first.code, 0, show(first));
    fs.writeFileSync(log, '');
    const r = await tsflow(['resume', file, 'join', '--origin-run-id', runIdOf(first)], {
      root,
      env: { TSFLOW_TEST_LOG: log },
    });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /join +re-run \(resuming from join\)/);
    assert.match(r.stdout, /end +re-run \(after the resume step\)/);
    assert.deepEqual(sideEffects(log), ['join', 'end']);
  });

  test('the default origin is the latest run, including a resumed one', async () => {
    const { root, log } = await failedOrigin();
    const second = await tsflow(['resume', file], { root, env: { TSFLOW_TEST_LOG: log, FAIL_SPLIT: '1' } });
    assert.equal(second.code, 1, show(second));
    const third = await tsflow(['resume', file], { root, env: { TSFLOW_TEST_LOG: log } });
    assert.equal(third.code, 0, show(third));
    assert.match(third.stdout, new RegExp(`from run ${runIdOf(second)}`));
  });

  test('parameters come from the origin run; changing one is an error', async () => {
    const { root, originId } = await failedOrigin();
    const r = await tsflow(['resume', file, '--width', '3'], { root });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /--width: parameters come from the origin run and cannot be changed on resume/);
    const ok = await tsflow(['resume', file], { root });
    assert.equal(ok.code, 0, show(ok));
    const resumed = await Run.get(`ResumableFlow/${runIdOf(ok)}`, { datastoreRoot: root });
    assert.equal(await resumed.data.width, 5);
    assert.equal((await (await resumed.step('body')).tasks()).length, 5, `origin ${originId}`);
  });

  test('an unknown resume step or origin exits 2', async () => {
    const { root } = await failedOrigin();
    const a = await tsflow(['resume', file, 'nope'], { root });
    assert.equal(a.code, 2);
    assert.match(a.stderr, /ResumableFlow has no step 'nope' \(steps: start, body, join, end\)/);
    const b = await tsflow(['resume', file, '--origin-run-id', '123'], { root });
    assert.equal(b.code, 2);
    assert.match(b.stderr, /no run ResumableFlow\/123 to resume/);
  });
});

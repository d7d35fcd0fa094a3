// Step decorators as a user sees them: in the console, in the client, in the datastore.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Run, Task } from '../../runtime/src/client/index.ts';
import { flowFile, runIdOf, show, tempDir, tsflow } from './helpers.ts';

const file = flowFile('decorated.ts');

test('@retry succeeds on attempt 3, @catchErrors stores the error, @environment sets variables', async () => {
  const root = tempDir();
  const counter = path.join(root, 'attempts');
  const r = await tsflow(['run', file], { root, env: { TSFLOW_TEST_COUNTER: counter } });
  assert.equal(r.code, 0, show(r));
  assert.match(
    r.stderr,
    /flakyStart\/2 \(pid \d+\)\] Task failed \(attempt 1 of 4\): flaky failure 1; retrying\./,
  );
  assert.match(r.stderr, /Task failed \(attempt 2 of 4\): flaky failure 2; retrying\./);
  assert.match(r.stdout, /flakyStart\/2 \(pid \d+\)\] Task is starting \(attempt 3\)\./);
  assert.match(r.stdout, /risky\/3 \(pid \d+\)\] Task finished; @catchErrors caught: risky step blew up/);
  assert.match(r.stdout, /3 attempts; caught RangeError: risky step blew up; hello from @environment/);

  const runId = runIdOf(r);
  const flaky = await Task.get(`DecoratedFlow/${runId}/flakyStart/2`, { datastoreRoot: root });
  assert.equal(flaky.attempts, 3);
  assert.equal(flaky.attempt, 2);
  assert.equal(flaky.successful, true);
  const first = await Task.get(`DecoratedFlow/${runId}/flakyStart/2`, { datastoreRoot: root, attempt: 0 });
  assert.equal(first.successful, false);
  assert.equal(first.exception?.message, 'flaky failure 1');
  assert.match(await first.stdout(), /^attempt 1$/m);

  const risky = await Task.get(`DecoratedFlow/${runId}/risky/3`, { datastoreRoot: root });
  assert.equal(risky.finished, true);
  assert.equal(risky.successful, false);
  const failure = (await risky.data.failure) as { name: string; message: string };
  assert.equal(failure.name, 'RangeError');
  const run = await Run.get(`DecoratedFlow/${runId}`, { datastoreRoot: root });
  assert.equal(run.successful, true);
});

test('@timeout kills a step that sleeps far longer, and the run fails saying so', async () => {
  const root = tempDir();
  const r = await tsflow(['run', file], {
    root,
    env: { TSFLOW_TEST_COUNTER: path.join(root, 'attempts'), NAP_SECONDS: '60' },
  });
  assert.equal(r.code, 1, show(r));
  assert.match(
    r.stderr,
    /sleepy\/5 \(pid \d+\)\] Task failed: timed out after 5 s \(@timeout\) and was killed/,
  );
  const task = await Task.get(`DecoratedFlow/${runIdOf(r)}/sleepy/5`, { datastoreRoot: root });
  assert.equal(task.exception?.name, 'TimeoutError');
});

test('--with attaches a decorator to every step; a bad --with exits 2', async () => {
  const root = tempDir();
  const r = await tsflow(['run', flowFile('sleepy.ts'), '--with', 'timeout:seconds=5'], {
    root,
    env: { NAP_MS: '30000' },
  });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /nap\/2 \(pid \d+\)\] Task failed: timed out after 5 s \(@timeout\)/);
  const bad = await tsflow(['run', flowFile('sleepy.ts'), '--with', 'retry:times=9'], { root });
  assert.equal(bad.code, 2, show(bad));
  assert.match(bad.stderr, /@retry on step 'start': times must be a whole number from 0 to 4, not 9/);
  const unknown = await tsflow(['run', flowFile('sleepy.ts'), '--with', 'retryy'], { root });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--with retryy: unknown decorator 'retryy'/);
});

// While a run is going: its logs are readable, it shows as running, and a resume of another run
// of the same flow proceeds alongside it without interfering.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Run } from '../../runtime/src/client/index.ts';
import { BIN, flowFile, runIdOf, show, start, tempDir, tsflow } from './helpers.ts';

test('a running task’s output is readable with tsflow logs, and the run reads running', async () => {
  const root = tempDir();
  const { child, done } = start(process.execPath, [BIN, 'run', flowFile('sleepy.ts')], {
    root,
    env: { NAP_MS: '60000' },
  });
  let out = '';
  const runId = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\[(\d+)\/nap\/2 \(pid \d+\)\] napping/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('close', () => reject(new Error(out)));
  });
  // The scheduler flushes log lines every 200 ms.
  let logs = '';
  for (let i = 0; i < 50 && !logs.includes('napping'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    logs = (await tsflow(['logs', `SleepyFlow/${runId}/nap/2`], { root })).stdout;
  }
  assert.equal(logs, 'napping\n');
  const run = await Run.get(`SleepyFlow/${runId}`, { datastoreRoot: root });
  assert.equal(run.status, 'running');
  assert.equal(run.finished, false);
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.code, 1);
});

test('a resume runs alongside a new run of the same flow without interfering', async () => {
  const root = tempDir();
  const failed = await tsflow(['run', flowFile('resumable.ts'), '--max-workers', '6'], {
    root,
    env: { FAIL_SPLIT: '1' },
  });
  assert.equal(failed.code, 1, show(failed));
  const [fresh, resumed] = await Promise.all([
    tsflow(['run', flowFile('resumable.ts'), '--width', '7'], { root }),
    tsflow(['resume', flowFile('resumable.ts'), '--origin-run-id', runIdOf(failed)], { root }),
  ]);
  assert.equal(fresh.code, 0, show(fresh));
  assert.equal(resumed.code, 0, show(resumed));
  const a = await Run.get(`ResumableFlow/${runIdOf(fresh)}`, { datastoreRoot: root });
  const b = await Run.get(`ResumableFlow/${runIdOf(resumed)}`, { datastoreRoot: root });
  assert.equal(await a.data.total, 42);
  assert.equal(await b.data.total, 20);
  assert.equal(b.originRunId, runIdOf(failed));
});

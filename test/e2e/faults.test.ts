// Nothing lost, nothing half-visible when things break: the scheduler or a task killed with
// SIGKILL, and many runs of one flow at once.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Flow, Run } from '../../runtime/src/client/index.ts';
import { ContentStore, FlowLayout, openFlowStore } from '../../runtime/src/datastore/index.ts';
import { BIN, example, flowFile, runIdOf, show, start, tempDir, tsflow } from './helpers.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, fn: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SIGKILL of the scheduler mid-run: runs shows the run failed, its task stops, resume finishes it', async () => {
  const root = tempDir();
  const { child, done } = start(process.execPath, [BIN, 'run', flowFile('sleepy.ts')], { root });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const napPid = await until('the nap task', () => {
    const m = /\/nap\/2 \(pid (\d+)\)\] napping/.exec(out);
    return m ? Number(m[1]) : undefined;
  });
  child.kill('SIGKILL');
  await done;
  const runs = await tsflow(['runs', 'SleepyFlow', '--json'], { root });
  const [run] = JSON.parse(runs.stdout).runs;
  assert.equal(run.status, 'failed', runs.stdout);
  assert.match(run.error, /the scheduler \(pid \d+ on .+\) stopped without finishing the run/);
  await until('the orphaned task to stop', () => (alive(napPid) ? undefined : true), 10_000);

  const r = await tsflow(['resume', flowFile('sleepy.ts')], { root, env: { NAP_MS: '10' } });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /start +clone 1 task/);
  assert.match(r.stdout, /nap +re-run 1 task that did not succeed/);
  const resumed = await Run.get(`SleepyFlow/${runIdOf(r)}`, { datastoreRoot: root });
  assert.equal(resumed.successful, true);
});

test('SIGKILL of a task while it writes a large artifact leaves nothing half-written visible; resume completes', async () => {
  const root = tempDir();
  const { child, done } = start(process.execPath, [BIN, 'run', flowFile('bigwrite.ts')], {
    root,
    env: { BIG_MB: '300' },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /\/write\/2 \(pid (\d+)\)\] saving 300 MB/.exec(out);
    if (m) {
      try {
        process.kill(Number(m[1]), 'SIGKILL');
      } catch {}
      out = '';
    }
  });
  const r = await done;
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /write\/2 \(pid \d+\)\] Task failed: the task process was killed by SIGKILL/);
  const runId = runIdOf(r);
  // Every blob that a reader can see is whole and verifies; the killed attempt has no manifest.
  const store = openFlowStore(root, 'BigWriteFlow');
  const blobs = new ContentStore(store.backend, new FlowLayout('BigWriteFlow'));
  const dataDir = path.join(root, 'BigWriteFlow/data');
  let verified = 0;
  for (const d of fs.readdirSync(dataDir)) {
    for (const sha of fs.readdirSync(path.join(dataDir, d)).filter((x) => !x.startsWith('.'))) {
      await blobs.load(sha, { artifact: 'any', pathspec: `BigWriteFlow/${runId}` }); // throws if torn or corrupt
      verified++;
    }
  }
  assert.ok(verified >= 1);
  const view = await store.readAttempt({ runId, step: 'write', taskId: '2' }, 0);
  assert.equal(view?.done?.finished, false);
  assert.equal(view?.data, undefined);

  const resumed = await tsflow(['resume', flowFile('bigwrite.ts')], { root, env: { BIG_MB: '8' } });
  assert.equal(resumed.code, 0, show(resumed));
  assert.match(resumed.stdout, /blob of 8388608 bytes/);
});

test('10 runs of the same flow at once all succeed, with distinct ids and their own artifacts', async () => {
  const root = tempDir();
  const alphas = Array.from({ length: 10 }, (_, i) => (i + 1) / 10);
  const results = await Promise.all(
    alphas.map((a) =>
      tsflow(['run', example('petsflow.ts'), '--alpha', String(a), '--max-workers', '2'], { root }),
    ),
  );
  for (const r of results) assert.equal(r.code, 0, show(r));
  const ids = results.map(runIdOf);
  assert.equal(new Set(ids).size, 10);
  const flow = await Flow.get('PetsFlow', { datastoreRoot: root });
  const runs = await flow.runs();
  assert.equal(runs.length, 10);
  for (const [i, id] of ids.entries()) {
    const run = await flow.run(id);
    assert.equal(run.successful, true);
    assert.equal(await run.data.alpha, alphas[i]);
    assert.equal(((await run.data.pets) as string[]).length, 6);
  }
});

test('a join over more inputs than the process may open files at once still reads them all', async () => {
  const root = tempDir();
  // 100 foreach inputs (3 files each) under a limit of 160 open files: reading every input at once would fail (EMFILE).
  const r = await start(
    'prlimit',
    ['--nofile=160', process.execPath, BIN, 'run', flowFile('wide.ts'), '--n', '100', '--max-workers', '2'],
    { root },
  ).done;
  assert.equal(r.code, 0, show(r));
  const run = await Run.get(`WideFlow/${runIdOf(r)}`, { datastoreRoot: root });
  assert.equal(
    await run.data.total,
    Array.from({ length: 100 }, (_, i) => i * i).reduce((a, b) => a + b, 0),
  );
});

// spin, tags, delete and gc.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Flow, Run, Task } from '../../runtime/src/client/index.ts';
import { TASK_NODE_FLAGS } from '../../runtime/src/compute/task-node-flags.ts';
import { example, flowFile, runIdOf, show, tempDir, tsflow } from './helpers.ts';

/** Every file under a folder with its size and mtime, to show a run was not touched. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.statSync(p);
        out.push(`${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

test('spin re-runs a join task with its original inputs, in the foreground, leaving the origin run untouched', async () => {
  const root = tempDir();
  const r = await tsflow(['run', example('petsflow.ts'), '--alpha', '0.25'], { root });
  assert.equal(r.code, 0, show(r));
  const runId = runIdOf(r);
  const before = snapshot(path.join(root, 'PetsFlow', runId));
  const s = await tsflow(['spin', `PetsFlow/${runId}/join/4`], { root });
  assert.equal(s.code, 0, show(s));
  assert.equal(s.stdout, 'total of 6 pets\n', 'the step output, unprefixed, in the foreground');
  const m = /as (PetsFlow\/(\d+)\/join\/1)/.exec(s.stderr);
  assert.ok(m, s.stderr);
  assert.deepEqual(snapshot(path.join(root, 'PetsFlow', runId)), before);
  const spun = await Task.get(m[1]!, { datastoreRoot: root });
  assert.equal(spun.successful, true);
  assert.deepEqual(await spun.data.pets, ['dogs', 'cats', 'budgies', 'lions', 'wolves', 'elephants']);
  assert.equal(await spun.data.alpha, 0.25);
  assert.deepEqual(spun.parents, [`PetsFlow/${runId}/a/2`, `PetsFlow/${runId}/b/3`]);
  assert.equal(spun.originPathspec, `PetsFlow/${runId}/join/4`);
  const spinRun = await Run.get(`PetsFlow/${m[2]}`, { datastoreRoot: root });
  assert.ok(spinRun.systemTags.includes('spin'));
  // A spin run is never taken for the flow's latest run.
  assert.equal((await (await Flow.get('PetsFlow', { datastoreRoot: root })).latestRun())?.id, runId);
});

test('spin of a foreach task reads its own element', async () => {
  const root = tempDir();
  const r = await tsflow(['run', example('petstats.ts')], { root });
  assert.equal(r.code, 0, show(r));
  const runId = runIdOf(r);
  const measure = await (
    await (await Run.get(`PetStatsFlow/${runId}`, { datastoreRoot: root })).step('measure')
  ).tasks();
  const third = measure.find((t) => t.index === 2)!;
  const s = await tsflow(['spin', third.pathspec], { root });
  assert.equal(s.code, 0, show(s));
  assert.match(s.stdout, /^pet 2: budgies averages 0\.04 kg \(steady\)$/m);
});

test('task processes, spun or run, start with the same Node flags (e.g. a 16 MB young generation)', async () => {
  // compute/task-node-flags.ts: without the flag V8 starts the young generation at 1 MB.
  const root = tempDir();
  const r = await tsflow(['run', flowFile('young-gen.ts')], { root });
  assert.equal(r.code, 0, show(r));
  const runId = runIdOf(r);
  const start = await Task.get(`YoungGenFlow/${runId}/start/1`, { datastoreRoot: root });
  assert.equal(await start.data.youngMb, 16);
  assert.deepEqual(await start.data.heapFlags, TASK_NODE_FLAGS);
  const s = await tsflow(['spin', start.pathspec], { root });
  assert.equal(s.code, 0, show(s));
  const m = /as (YoungGenFlow\/\d+\/start\/1)/.exec(s.stderr);
  assert.ok(m, s.stderr);
  const spun = await Task.get(m[1]!, { datastoreRoot: root });
  assert.equal(await spun.data.youngMb, 16);
  assert.deepEqual(await spun.data.heapFlags, TASK_NODE_FLAGS);
});

test('a trivial task reads and writes its artifacts without loading node:v8', async () => {
  // datastore/v8-format.ts: node:v8 pulls in Node's stream modules, ~4 ms of a trivial task's CPU.
  const root = tempDir();
  const r = await tsflow(['run', flowFile('lean-task.ts')], { root });
  assert.equal(r.code, 0, show(r));
  const run = await Run.get(`LeanTaskFlow/${runIdOf(r)}`, { datastoreRoot: root });
  const tasks = await (await run.step('body')).tasks();
  assert.equal(tasks.length, 2);
  for (const t of tasks) assert.equal(await t.data.v8Loaded, false, t.pathspec);
  const [join] = await (await run.step('join')).tasks();
  assert.equal(await join!.data.doubled, 6);
});

test('tag add, list, remove', async () => {
  const root = tempDir();
  const r = await tsflow(['run', flowFile('linear.ts'), '--tag', 'first'], { root });
  const run = `LinearFlow/${runIdOf(r)}`;
  const add = await tsflow(['tag', 'add', run, 'nightly', 'v2'], { root });
  assert.equal(add.code, 0, show(add));
  assert.deepEqual(add.stdout.trim().split('\n'), ['first', 'nightly', 'v2']);
  const rm = await tsflow(['tag', 'remove', run, 'first'], { root });
  assert.deepEqual(rm.stdout.trim().split('\n'), ['nightly', 'v2']);
  const list = await tsflow(['tag', 'list', run, '--json'], { root });
  assert.deepEqual(JSON.parse(list.stdout).tags, ['nightly', 'v2']);
  const tagged = await tsflow(['runs', 'LinearFlow', '--tag', 'nightly', '--json'], { root });
  assert.equal(JSON.parse(tagged.stdout).runs.length, 1);
});

test('delete removes a run; gc then removes only the blobs no run refers to', async () => {
  const root = tempDir();
  const keep = await tsflow(['run', example('petsflow.ts'), '--alpha', '0.1'], { root });
  const drop = await tsflow(['run', example('petsflow.ts'), '--alpha', '0.9'], { root });
  const dataDir = path.join(root, 'PetsFlow/data');
  const blobs = () =>
    fs
      .readdirSync(dataDir)
      .flatMap((d) => fs.readdirSync(path.join(dataDir, d)))
      .filter((f) => !f.startsWith('.'));
  const all = blobs();
  const del = await tsflow(['delete', `PetsFlow/${runIdOf(drop)}`], { root });
  assert.equal(del.code, 0, show(del));
  assert.equal(fs.existsSync(path.join(root, 'PetsFlow', runIdOf(drop))), false);
  // Within the grace period nothing goes, referenced or not.
  const young = await tsflow(['gc', 'PetsFlow', '--json'], { root });
  assert.equal(JSON.parse(young.stdout).deleted, 0);
  const dry = await tsflow(['gc', 'PetsFlow', '--grace-minutes', '0', '--dry-run', '--json'], { root });
  const dryOut = JSON.parse(dry.stdout);
  assert.equal(dryOut.deleted, 1, dry.stdout); // only alpha=0.9 was unique to the deleted run
  assert.equal(blobs().length, all.length, 'a dry run deletes nothing');
  const gc = await tsflow(['gc', 'PetsFlow', '--grace-minutes', '0'], { root });
  assert.equal(gc.code, 0, show(gc));
  assert.match(gc.stdout, /PetsFlow: \d+ blobs, \d+ in use, deleted 1 /);
  assert.equal(blobs().length, all.length - 1);
  const dump = await tsflow(['dump', `PetsFlow/${runIdOf(keep)}`], { root });
  assert.equal(dump.code, 0, show(dump));
  assert.match(dump.stdout, /alpha = 0\.1/);
});

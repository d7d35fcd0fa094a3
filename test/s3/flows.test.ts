// Flows on S3 as a user runs them (the built CLI, `--datastore s3`) against the Ceph gateway: the
// examples give the same results as on local disk, read back through the client API, and
// `runs`, `dump --json` and `logs` work on S3 (logs while the task still runs, too).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Flow, Run } from '../../runtime/src/client/index.ts';
import { example, flowFile, runIdOf, show, start, tempDir, tsflow } from '../e2e/helpers.ts';
import { ceph, s3ProcessEnv, s3Root, skip } from './helpers.ts';

/** Everything a run left, as the client API reads it: per step, per task (in foreach order), artifacts and stdout. */
async function snapshot(flow: string, runId: string, datastoreRoot: string) {
  const run = await Run.get(`${flow}/${runId}`, { datastoreRoot });
  const steps: Record<string, unknown[]> = {};
  for (const step of await run.steps()) {
    const tasks = (await step.tasks()).sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    steps[step.name] = await Promise.all(
      tasks.map(async (t) => ({
        index: t.index,
        successful: t.successful,
        foreach: t.foreachStack.map((f) => [f.step, f.index, f.numSplits, f.label]),
        artifacts: Object.fromEntries(
          await Promise.all(
            t.artifactNames().map(async (n) => [n, await (t.data as Record<string, Promise<unknown>>)[n]]),
          ),
        ),
        stdout: (await t.logLines('stdout')).map((l) => l.text),
      })),
    );
  }
  return { successful: run.successful, finished: run.finished, parameters: run.parameters, steps };
}

async function runBoth(file: string, args: string[]) {
  const localRoot = tempDir('tsflow-s3-local-');
  const s3 = s3Root(path.basename(file, '.ts'));
  const [local, remote] = await Promise.all([
    tsflow(['run', file, ...args], { root: localRoot }),
    tsflow(['run', file, '--datastore', 's3', ...args], { root: s3, env: s3ProcessEnv() }),
  ]);
  assert.equal(local.code, 0, show(local));
  assert.equal(remote.code, 0, show(remote));
  assert.match(remote.stdout, new RegExp(`datastore ${s3.replace(/[/.]/g, '\\$&')}`));
  return { localRoot, s3, localId: runIdOf(local), s3Id: runIdOf(remote) };
}

describe('flows on S3 (Ceph RADOS gateway)', { skip }, () => {
  it('PetsFlow: the same results as a local run, through the client API', async () => {
    const r = await runBoth(example('petsflow.ts'), ['--alpha', '0.7']);
    const local = await snapshot('PetsFlow', r.localId, r.localRoot);
    const remote = await snapshot('PetsFlow', r.s3Id, r.s3);
    assert.deepEqual(remote, local);
    const run = await Run.get(`PetsFlow/${r.s3Id}`, { datastoreRoot: r.s3 });
    assert.equal(run.successful, true);
    assert.deepEqual(await run.data.pets, ['dogs', 'cats', 'budgies', 'lions', 'wolves', 'elephants']);
    assert.equal(await (await (await run.step('start')).task()).data.alpha, 0.7);
  });

  it('petstats (foreach): the same results as a local run, through the client API', async () => {
    const r = await runBoth(example('petstats.ts'), []);
    const local = await snapshot('PetStatsFlow', r.localId, r.localRoot);
    const remote = await snapshot('PetStatsFlow', r.s3Id, r.s3);
    assert.deepEqual(remote, local);
    const latest = await (await Flow.get('PetStatsFlow', { datastoreRoot: r.s3 })).latestSuccessfulRun();
    assert.equal(latest?.id, r.s3Id);
    const byName = (await latest!.data.byName) as Map<string, { meanKg: number }>;
    assert.equal(byName.size, 6);
    assert.equal(byName.get('dogs')?.meanKg, 21.1);
    assert.equal((await (await latest!.step('measure')).tasks()).length, 6);
  });

  it('runs, dump --json and logs read an S3 datastore', async () => {
    const root = s3Root('cli');
    const env = s3ProcessEnv();
    const r = await tsflow(['run', example('petsflow.ts'), '--datastore', 's3'], { root, env });
    assert.equal(r.code, 0, show(r));
    const runId = runIdOf(r);
    // TSFLOW_DATASTORE=s3 and the s3:// root come from the environment here.
    const runs = await tsflow(['runs', 'PetsFlow', '--json'], { root, env });
    assert.equal(runs.code, 0, show(runs));
    const listed = JSON.parse(runs.stdout).runs;
    assert.deepEqual(
      listed.map((x: { id: string; status: string }) => [x.id, x.status]),
      [[runId, 'succeeded']],
    );
    const dump = await tsflow(['dump', `PetsFlow/${runId}/join/4`, '--json', '--datastore-root', root], {
      env: { ...env, TSFLOW_DATASTORE: '' },
    });
    assert.equal(dump.code, 0, show(dump));
    const task = JSON.parse(dump.stdout).task;
    assert.deepEqual(task.artifacts.find((a: { name: string }) => a.name === 'pets').value, [
      'dogs',
      'cats',
      'budgies',
      'lions',
      'wolves',
      'elephants',
    ]);
    const logs = await tsflow(['logs', `PetsFlow/${runId}/join/4`], { root, env });
    assert.equal(logs.code, 0, show(logs));
    assert.match(logs.stdout, /total of 6 pets/);
    const start = await tsflow(['logs', `PetsFlow/${runId}/start/1`], { root, env });
    assert.match(start.stdout, /alpha is 0\.5/);
    for (const out of [r, runs, dump, logs, start]) {
      assert.ok(
        !(out.stdout + out.stderr).includes(ceph().secretAccessKey),
        'the secret key is never printed',
      );
    }
  });

  it('a running task’s log is readable on S3 before the task ends', async () => {
    const root = s3Root('live');
    const env = { ...s3ProcessEnv(), NAP_MS: '6000' };
    const idFile = path.join(tempDir(), 'run-id');
    const { done } = start(
      process.execPath,
      [
        path.join(import.meta.dirname, '../../runtime/bin/tsflow.js'),
        'run',
        flowFile('sleepy.ts'),
        '--run-id-file',
        idFile,
      ],
      { root, env },
    );
    let seen = '';
    const until = Date.now() + 30_000;
    while (!seen.includes('napping') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 300));
      if (!fs.existsSync(idFile)) continue;
      const runId = fs.readFileSync(idFile, 'utf8').trim();
      const logs = await tsflow(['logs', `SleepyFlow/${runId}/nap/2`], { root, env });
      if (logs.code === 0) seen = logs.stdout;
    }
    const runs = JSON.parse((await tsflow(['runs', 'SleepyFlow', '--json'], { root, env })).stdout).runs;
    assert.match(seen, /napping/);
    assert.equal(runs[0].status, 'running', 'read while the run was still going');
    const r = await done;
    assert.equal(r.code, 0, show(r));
  });
});

// AWS Batch through the emulator (test/batch/emulator.ts: the Batch and CloudWatch Logs wire
// protocols, jobs run as local processes) with the real S3 gateway as the datastore.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Run, Task } from '../../runtime/src/client/index.ts';
import { BatchEmulator } from '../batch/emulator.ts';
import { BIN, example, flowFile, runIdOf, show, start, tempDir, tsflow } from '../e2e/helpers.ts';
import { ceph, s3ProcessEnv, s3Root, skip } from './helpers.ts';
import { s3Env } from '../../scripts/ceph.mjs';

let emu: BatchEmulator;
let endpoint = '';

function env(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...s3ProcessEnv(),
    TSFLOW_DATASTORE_ROOT: root,
    AWS_ENDPOINT_URL_BATCH: endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
    TSFLOW_BATCH_POLL_MS: '150',
    TSFLOW_BATCH_QUEUE: 'q-default',
    ...extra,
  };
}

describe('AWS Batch', { skip }, () => {
  before(async () => {
    // A container gets its AWS credentials from its job role; the emulator's "role" is this environment.
    emu = new BatchEmulator({ env: { ...s3Env(ceph()) } });
    endpoint = await emu.start();
  });
  after(async () => {
    await emu?.stop();
  });

  test('PetsFlow with --with batch: every task is a Batch job; results equal a local run', async () => {
    const root = s3Root('batch-pets');
    const before = emu.calls.length;
    const r = await tsflow(['run', example('petsflow.ts'), '--with', 'batch'], { env: env(root) });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /\[\d+\/join\/4 \(batch job [0-9a-f]{8}\)\] total of 6 pets/);
    const calls = emu.calls.slice(before);
    assert.equal(calls.filter((c) => c === 'Batch.submitjob').length, 5);
    assert.equal(
      calls.filter((c) => c === 'Batch.registerjobdefinition').length,
      1,
      'one definition, reused',
    );
    assert.ok(emu.signedRequests, 'every request was SigV4-signed by the real SDK');
    const local = tempDir();
    const l = await tsflow(['run', example('petsflow.ts')], { root: local });
    const remote = await Run.get(`PetsFlow/${runIdOf(r)}`, { datastoreRoot: root });
    const here = await Run.get(`PetsFlow/${runIdOf(l)}`, { datastoreRoot: local });
    assert.deepEqual(await remote.data.pets, await here.data.pets);
    const join = await Task.get(`PetsFlow/${runIdOf(r)}/join/4`, { datastoreRoot: root });
    assert.match(await join.stdout(), /total of 6 pets/);
  });

  test('the foreach example on Batch: one job per split, the same stats as a local run', async () => {
    const root = s3Root('batch-petstats');
    const r = await tsflow(['run', example('petstats.ts'), '--with', 'batch'], { env: env(root) });
    assert.equal(r.code, 0, show(r));
    const local = tempDir();
    const l = await tsflow(['run', example('petstats.ts')], { root: local });
    assert.equal(l.code, 0, show(l));
    const remote = await Run.get(`PetStatsFlow/${runIdOf(r)}`, { datastoreRoot: root });
    const here = await Run.get(`PetStatsFlow/${runIdOf(l)}`, { datastoreRoot: local });
    assert.deepEqual(await remote.data.byName, await here.data.byName);
    assert.equal((await (await remote.step('measure')).tasks()).length, 6);
  });

  test('@timeout on Batch: the attempt is terminated and fails saying so', async () => {
    const root = s3Root('batch-timeout');
    const r = await tsflow(['run', flowFile('sleepy.ts'), '--with', 'batch', '--with', 'timeout:seconds=5'], {
      env: env(root, { NAP_MS: '120000' }),
    });
    assert.equal(r.code, 1, show(r));
    assert.match(
      r.stderr,
      /nap\/2 \(batch job [0-9a-f]{8}\)\] Task failed: timed out after 5 s \(@timeout\)/,
    );
    const nap = [...emu.jobs.values()].filter((j) => j.jobName.includes('-nap-')).at(-1)!;
    assert.equal(nap.status, 'FAILED');
    assert.equal(nap.attemptDurationSeconds, 60, 'Batch gets the limit too (its minimum is 60 s)');
  });

  test('local and Batch steps mix in one run', async () => {
    const root = s3Root('batch-mixed');
    const before = emu.calls.length;
    const r = await tsflow(['run', flowFile('mixed.ts')], { env: env(root) });
    assert.equal(r.code, 0, show(r));
    assert.equal(emu.calls.slice(before).filter((c) => c === 'Batch.submitjob').length, 1);
    const run = await Run.get(`MixedFlow/${runIdOf(r)}`, { datastoreRoot: root });
    assert.equal(await run.data.total, 30);
    assert.equal(await run.data.where, 'batch+local');
    // Both kinds of task process start with the same Node flags (a 16 MB young generation).
    assert.deepEqual(await run.data.young, [16, 16]);
    const job = [...emu.jobs.values()].at(-1)!;
    assert.equal(job.jobQueue, 'q-mixed');
    // @batch and @resources size the job (the larger of the two).
    const def = emu.definitions.find((d) => d.jobDefinitionArn === job.jobDefinition)!;
    assert.deepEqual(def.containerProperties.resourceRequirements, [
      { type: 'VCPU', value: '2' },
      { type: 'MEMORY', value: '2048' },
    ]);
  });

  test('a job killed mid-run fails its task with the reason; @retry succeeds on the next attempt', async () => {
    const root = s3Root('batch-kill');
    const { child, done } = start(
      process.execPath,
      // A container does not inherit this machine's environment: @environment carries NAP_MS.
      [
        BIN,
        'run',
        flowFile('sleepy.ts'),
        '--with',
        'batch',
        '--with',
        'retry:times=1',
        '--with',
        'environment:vars={"NAP_MS":"3000"}',
      ],
      { env: env(root) },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 600 && !/\/nap\/2 \(batch job [0-9a-f]+\)\] napping/.test(out); i++)
      await new Promise((r) => setTimeout(r, 50));
    const running = emu.running().find((j) => j.jobName.includes('-nap-'));
    assert.ok(running, out);
    emu.killJob(running.jobId);
    const r = await done;
    assert.equal(r.code, 0, show(r));
    assert.match(
      r.stderr,
      /Task failed \(attempt 1 of 2\): AWS Batch job [0-9a-f-]+ failed: Host EC2 \(instance i-0emulated\) terminated/,
    );
    const nap = await Task.get(`SleepyFlow/${runIdOf(r)}/nap/2`, { datastoreRoot: root });
    assert.equal(nap.attempts, 2);
    assert.equal(nap.successful, true);
  });

  test('Ctrl-C terminates the outstanding jobs', async () => {
    const root = s3Root('batch-ctrlc');
    const { child, done } = start(process.execPath, [BIN, 'run', flowFile('sleepy.ts'), '--with', 'batch'], {
      env: env(root, { NAP_MS: '120000' }),
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 600 && !/napping/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const job = emu.running().find((j) => j.jobName.includes('-nap-'));
    assert.ok(job, out);
    child.kill('SIGINT');
    const r = await done;
    assert.equal(r.code, 1, show(r));
    assert.equal(emu.jobs.get(job.jobId)?.status, 'FAILED');
    assert.match(emu.jobs.get(job.jobId)?.statusReason ?? '', /interrupted by SIGINT/);
  });

  test('Batch without the S3 datastore is a clear error', async () => {
    const r = await tsflow(['run', example('petsflow.ts'), '--with', 'batch:queue=q'], { root: tempDir() });
    assert.equal(r.code, 2, show(r));
    assert.match(
      r.stderr,
      /run on AWS Batch, which needs the S3 datastore \(--datastore s3 --datastore-root s3:\/\/bucket\/prefix\)/,
    );
  });
});

// S3 failures as a user meets them: the gateway dies mid-run (a clear error naming the endpoint,
// and `tsflow resume` finishes the run once it is back), a task killed in the middle of a
// multipart upload (nothing partial is ever visible), a corrupted object (reported, never used).
// The gateway that is killed is `b`, a second gateway of the same cluster, so tests running
// beside these (on gateway `a`) are not disturbed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { Run } from '../../runtime/src/client/index.ts';
import { BackendFlowStore } from '../../runtime/src/datastore/flow-store.ts';
import { startGateway, stopGateway } from '../../scripts/ceph.mjs';
import { BIN, example, flowFile, runIdOf, show, start, tsflow } from '../e2e/helpers.ts';
import { ceph, s3Backend, s3ProcessEnv, s3Root, skip } from './helpers.ts';

async function until<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function rawClient(): S3Client {
  const c = ceph();
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  });
}

/** Every object the datastore holds under `root`, by key relative to it. */
async function allObjects(root: string): Promise<string[]> {
  const b = s3Backend(root);
  const out: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    const { dirs, files } = await b.list(prefix);
    for (const f of files) out.push(prefix ? `${prefix}/${f}` : f);
    for (const d of dirs) await walk(prefix ? `${prefix}/${d}` : d);
  };
  await walk('');
  return out;
}

describe('S3 failures (Ceph RADOS gateway)', { skip }, () => {
  it('the gateway stopped mid-run: a clear error naming the endpoint; resume finishes once it is back', async () => {
    const c = ceph();
    const root = s3Root('outage');
    // Few retries, so the outage is declared in seconds (the default rides out longer blips).
    const env = { ...s3ProcessEnv('b'), NAP_MS: '4000', TSFLOW_S3_MAX_ATTEMPTS: '3' };
    const { child, done } = start(process.execPath, [BIN, 'run', flowFile('sleepy.ts')], { root, env });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      await until('the nap task', () => (/\/nap\/2 \(pid \d+\)\] napping/.test(out) ? true : undefined));
      await stopGateway(c.dir, 'b');
      const r = await done;
      assert.equal(r.code, 1, show(r));
      const all = r.stdout + r.stderr;
      // The run's failure names the object, the endpoint and the cause.
      assert.match(
        r.stderr,
        new RegExp(
          `Run SleepyFlow/\\d+ failed: .*S3 \\w+ s3://${c.bucket}/outage-\\w+/SleepyFlow/.* failed at ${c.endpoints.b.replace(/[.]/g, '\\.')}: .*ECONNREFUSED`,
        ),
      );
      assert.ok(!all.includes(c.secretAccessKey), 'no secret key in the output');
      assert.doesNotMatch(all, /X-Amz-Signature|Signature=|AWS4-HMAC-SHA256 Credential/);
      assert.doesNotMatch(all, /^\s+at /m, 'a message, not a stack trace');
    } finally {
      await startGateway(c.dir, 'b');
    }
    const resumed = await tsflow(['resume', flowFile('sleepy.ts')], { root, env: { ...env, NAP_MS: '10' } });
    assert.equal(resumed.code, 0, show(resumed));
    assert.match(resumed.stdout, /\/start\/1 \(pid \d+\)\] Cloned from SleepyFlow\/\d+\/start\/1/);
    const run = await Run.get(`SleepyFlow/${runIdOf(resumed)}`, { datastoreRoot: root });
    assert.equal(run.successful, true);
    const logs = await Promise.all(
      (await allObjects(root))
        .filter((k) => k.endsWith('.log'))
        .map(async (k) => (await s3Backend(root).get(k))!),
    );
    for (const log of logs)
      assert.ok(!log.toString().includes(c.secretAccessKey), 'no secret key in task logs');
  });

  it('a task killed in the middle of a multipart upload leaves nothing visible; resume writes it whole', async () => {
    const c = ceph();
    const root = s3Root('torn');
    const prefix = root.slice(`s3://${c.bucket}/`.length);
    // 5 MiB parts one at a time: the upload of 80 MiB takes long enough to be caught in the middle.
    const env = { ...s3ProcessEnv(), BLOB_MB: '80', TSFLOW_S3_PART_MB: '5', TSFLOW_S3_PART_CONCURRENCY: '1' };
    const client = rawClient();
    const uploads = async () =>
      (await client.send(new ListMultipartUploadsCommand({ Bucket: c.bucket, Prefix: `${prefix}/` })))
        .Uploads ?? [];
    const { child, done } = start(process.execPath, [BIN, 'run', flowFile('random-blob.ts')], { root, env });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const pid = await until('the write task', () => {
      const m = /\/write\/2 \(pid (\d+)\)\] saving/.exec(out);
      return m ? Number(m[1]) : undefined;
    });
    const upload = await until('its multipart upload', async () => (await uploads())[0]);
    process.kill(pid, 'SIGKILL');
    const r = await done;
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /write\/2.*killed by SIGKILL/);

    // The upload stays pending (nobody completed or aborted it) and invisible.
    const key = upload.Key!.slice(prefix.length + 1);
    assert.match(key, /^RandomBlobFlow\/data\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    const b = s3Backend(root);
    assert.equal(await b.get(key), null);
    assert.equal(await b.exists(key), false);
    const objects = await allObjects(root);
    assert.ok(!objects.includes(key), 'not listed');
    // Every blob that is visible is whole: it loads and matches its hash.
    const { blobs } = new BackendFlowStore(b, 'RandomBlobFlow');
    const runId = runIdOf(r);
    for (const k of objects.filter((o) => o.includes('/data/'))) {
      const sha = k.slice(k.lastIndexOf('/') + 1);
      await blobs.load(sha, { artifact: 'any', pathspec: `RandomBlobFlow/${runId}` });
    }
    const failed = await Run.get(`RandomBlobFlow/${runId}`, { datastoreRoot: root });
    assert.equal(failed.successful, false);

    const resumed = await tsflow(['resume', flowFile('random-blob.ts')], {
      root,
      env: { ...env, TSFLOW_S3_PART_CONCURRENCY: '8' },
    });
    assert.equal(resumed.code, 0, show(resumed));
    const run = await Run.get(`RandomBlobFlow/${runIdOf(resumed)}`, { datastoreRoot: root });
    assert.equal(((await run.data.blob) as Buffer).length, 80 * 1024 * 1024);
    // gc aborts the killed upload once it is older than the grace period, not before.
    const gc = (grace: string) => tsflow(['gc', 'RandomBlobFlow', '--grace-minutes', grace], { root, env });
    const young = await gc('60');
    assert.equal(young.code, 0, show(young));
    assert.doesNotMatch(young.stdout, /unfinished uploads/);
    assert.equal((await uploads()).length, 1);
    const old = await gc('0');
    assert.equal(old.code, 0, show(old));
    assert.match(old.stdout, /aborted 1 unfinished uploads/);
    assert.deepEqual(await uploads(), []);
    client.destroy();
  });

  it('a corrupted blob is reported by the CLI with the artifact, the task and the S3 object, never shown', async () => {
    const root = s3Root('corrupt-cli');
    const env = s3ProcessEnv();
    const r = await tsflow(['run', example('petsflow.ts')], { root, env });
    assert.equal(r.code, 0, show(r));
    const runId = runIdOf(r);
    const b = s3Backend(root);
    const manifest = JSON.parse((await b.get(`PetsFlow/${runId}/join/4/0.data.json`))!.toString());
    const sha: string = manifest.artifacts.pets.sha;
    const key = `PetsFlow/data/${sha.slice(0, 2)}/${sha}`;
    const bytes = (await b.get(key))!;
    bytes[bytes.length - 3]! ^= 0xff;
    await b.put(key, bytes);
    const dump = await tsflow(['dump', `PetsFlow/${runId}/join/4/pets`], { root, env });
    assert.equal(dump.code, 1, show(dump));
    assert.ok(dump.stderr.includes(`${root}/${key}`), `names the object:\n${dump.stderr}`);
    assert.match(dump.stderr, /'pets'/);
    assert.match(dump.stderr, new RegExp(`PetsFlow/${runId}/join/4`));
    assert.doesNotMatch(dump.stdout, /dogs/);
  });
});

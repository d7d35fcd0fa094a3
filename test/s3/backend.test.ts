// The S3 backend against a real Ceph RADOS gateway: the same contract as the local backend, plus
// what only S3 has (multipart uploads that stay invisible until complete, the log cache, run-id
// claims racing across processes, corrupted objects).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { StorageError } from '../../runtime/src/errors.js';
import { BackendFlowStore } from '../../runtime/src/datastore/flow-store.js';
import { openFlowStore } from '../../runtime/src/datastore/root.js';
import { backendContract } from '../unit/datastore/backend-contract.js';
import { ceph, s3Backend, s3ProcessEnv, s3Root, skip } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const MiB = 1024 * 1024;

backendContract('s3 (Ceph RADOS gateway)', {
  skip,
  // 5 MiB parts from 5 MiB up: the large-object test is a multipart upload of 5 parts.
  make: (name) => s3Backend(s3Root(name), { multipartThreshold: 5 * MiB, partSize: 5 * MiB }),
  largeBytes: 22 * MiB,
  timeResolutionMs: 1000,
});

function rawClient(): S3Client {
  const c = ceph();
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  });
}

describe('S3 backend on Ceph', { skip }, () => {
  it('a multipart upload is invisible (not in GET, HEAD or listings) until it completes', async () => {
    const root = s3Root('mpu');
    const b = s3Backend(root, { multipartThreshold: 5 * MiB, partSize: 5 * MiB, partConcurrency: 1 });
    const key = 'F/data/cd/big';
    const objectKey = `${root.slice(`s3://${ceph().bucket}/`.length)}/${key}`;
    const client = rawClient();
    const pending = async () =>
      (await client.send(new ListMultipartUploadsCommand({ Bucket: ceph().bucket, Prefix: objectKey })))
        .Uploads ?? [];
    let sawPending = false;
    let uploading = true;
    const watcher = (async () => {
      while (uploading && !sawPending) {
        if ((await pending()).length > 0 && uploading) {
          sawPending = true;
          assert.equal(await b.get(key), null, 'GET: absent while its parts upload');
          assert.equal(await b.exists(key), false, 'HEAD: absent while its parts upload');
          assert.deepEqual((await b.list('F/data/cd')).files, [], 'not listed while its parts upload');
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const body = Buffer.alloc(40 * MiB, 7);
    assert.equal(await b.put(key, body), true);
    uploading = false;
    await watcher;
    assert.ok(sawPending, 'the upload was seen in progress');
    assert.ok((await b.get(key))!.equals(body));
    assert.deepEqual(await pending(), [], 'no upload left pending');
    client.destroy();
  });

  it('appends survive the log cache dropping a log (it is read back), and deletes forget it', async () => {
    const b = s3Backend(s3Root('logcache'), { logCacheBytes: 10 });
    for (let i = 0; i < 5; i++) {
      await b.append('F/1/s/1/0.stdout.log', `line ${i} of a log longer than the cache\n`);
      await b.append('F/1/s/2/0.stdout.log', `other ${i}\n`);
    }
    const text = (await b.get('F/1/s/1/0.stdout.log'))!.toString();
    assert.equal(text.split('\n').length, 6, text);
    await b.deletePrefix('F/1');
    await b.append('F/1/s/1/0.stdout.log', 'fresh\n');
    assert.equal((await b.get('F/1/s/1/0.stdout.log'))!.toString(), 'fresh\n');
  });

  it('a large log is rewritten at most every size / 1 MiB/s; appends meanwhile share the next upload', async () => {
    const b = s3Backend(s3Root('biglog'));
    const key = 'F/1/s/1/0.stdout.log';
    await b.append(key, `${'x'.repeat(512 * 1024)}\n`); // 0.5 MiB: rewritten at most every 0.5 s
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.append(key, `line ${i}\n`)));
    assert.ok(Date.now() - t0 >= 400, `waited ${Date.now() - t0} ms`);
    const lines = (await b.get(key))!.toString().split('\n');
    assert.deepEqual(lines.slice(1), [...Array.from({ length: 20 }, (_, i) => `line ${i}`), '']);
  });

  it('10 processes creating runs at the same moment get 10 distinct ids', async () => {
    const root = s3Root('race');
    const startAt = Date.now() + 4000; // after every child has loaded tsx and the SDK
    const children = Array.from({ length: 10 }, () =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(here, '../unit/datastore/helpers/create-run.ts'),
          root,
          String(startAt),
        ],
        { env: { ...process.env, ...s3ProcessEnv() } },
      ),
    );
    const ids = (await Promise.all(children)).map((r) => r.stdout.trim());
    assert.equal(new Set(ids).size, 10, `distinct: ${ids.join(' ')}`);
    const store = openFlowStore(root, 'RaceFlow');
    assert.deepEqual((await store.listRuns()).sort(), [...ids].sort());
    for (const id of ids) assert.equal((await store.readRun(id))?.runId, id);
  });

  it('saving a blob that is already there writes nothing and refreshes its time (gc grace)', async () => {
    const store = new BackendFlowStore(s3Backend(s3Root('dedupe')), 'DedupeFlow');
    for (const value of [{ small: 1 }, Buffer.alloc(1024 * 1024, 3)]) {
      const first = await store.blobs.save(Buffer.from(JSON.stringify(value)));
      assert.equal(first.written, true);
      const key = store.blobs.key(first.sha);
      const before = (await store.backend.stat(key))!.modifiedAt;
      await new Promise((r) => setTimeout(r, 1100)); // S3 times have whole seconds
      const again = await store.blobs.save(Buffer.from(JSON.stringify(value)));
      assert.deepEqual(again, { ...first, written: false });
      assert.ok((await store.backend.stat(key))!.modifiedAt > before, 'touched');
    }
  });

  it('a corrupted blob is reported with the artifact, the task and the object, never used', async () => {
    const root = s3Root('corrupt');
    const store = openFlowStore(s3Backend(root), 'CorruptFlow');
    const ctx = { artifact: 'weights', pathspec: 'CorruptFlow/1/start/1' };
    const ref = await store.saveArtifact({ w: [1, 2, 3] }, ctx);
    assert.deepEqual(await store.loadArtifact(ref, ctx), { w: [1, 2, 3] });
    const key = `CorruptFlow/data/${ref.sha.slice(0, 2)}/${ref.sha}`;
    const bytes = (await store.backend.get(key))!;
    bytes[bytes.length - 1]! ^= 0xff;
    await store.backend.put(key, bytes);
    await assert.rejects(
      () => store.loadArtifact(ref, ctx),
      (e: Error) =>
        e.name === 'CorruptDataError' &&
        e.message.includes("artifact 'weights' of task CorruptFlow/1/start/1") &&
        e.message.includes(`${root}/${key}`),
    );
  });

  it('a missing bucket and a closed endpoint are StorageErrors naming the object and the endpoint, no secret', async () => {
    const missing = s3Backend(`s3://${ceph().bucket}-nope/p`);
    await assert.rejects(
      () => missing.put('F/x', 'x'),
      (e: Error) =>
        e instanceof StorageError && /NoSuchBucket/.test(e.message) && e.message.includes(ceph().endpoint),
    );
    const closed = s3Backend(s3Root('closed'), { endpoint: 'http://127.0.0.1:9', maxAttempts: 2 });
    const err = await closed.get('F/x').then(
      () => assert.fail('expected an error'),
      (e: Error) => e,
    );
    assert.ok(err instanceof StorageError, String(err));
    assert.match(
      err.message,
      /^S3 GET s3:\/\/tsflow-test\/closed-\w+\/F\/x failed at http:\/\/127\.0\.0\.1:9: /,
    );
    assert.match(err.message, /ECONNREFUSED/);
    assert.ok(!err.message.includes(ceph().secretAccessKey), 'no secret key');
    assert.ok(!/Signature|Credential=/i.test(err.message), 'no signature');
  });
});

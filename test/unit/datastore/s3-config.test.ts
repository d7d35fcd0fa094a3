// Choosing and configuring an S3 datastore without a server: s3:// roots, the endpoint and region
// from the AWS environment and profiles, `--datastore s3` on the command line, and errors that
// name the endpoint but never a secret.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseArgs } from '../../../runtime/src/cli/args.js';
import { DATASTORE_OPTIONS, datastoreRoot } from '../../../runtime/src/cli/common.js';
import { ClientContext } from '../../../runtime/src/client/context.js';
import { resolveDatastoreRoot, toBackend } from '../../../runtime/src/datastore/root.js';
import { S3Backend } from '../../../runtime/src/datastore/s3-backend.js';
import { parseS3Root, redactUrl, resolveS3Connection } from '../../../runtime/src/datastore/s3-config.js';
import { StorageError, UserError } from '../../../runtime/src/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-s3config-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('s3:// roots', () => {
  it('parses bucket and prefix, normalizing slashes', () => {
    assert.deepEqual(parseS3Root('s3://my-bucket'), { bucket: 'my-bucket', prefix: '' });
    assert.deepEqual(parseS3Root('s3://my-bucket/'), { bucket: 'my-bucket', prefix: '' });
    assert.deepEqual(parseS3Root('s3://my.bucket/a/b/'), { bucket: 'my.bucket', prefix: 'a/b' });
    assert.equal(resolveDatastoreRoot({ root: 's3://b-1/x//', env: {} }), 's3://b-1/x');
    assert.equal(resolveDatastoreRoot({ env: { TSFLOW_DATASTORE_ROOT: 'S3://b-1/y' } }), 's3://b-1/y');
  });

  it('refuses what is not a bucket and a clean prefix', () => {
    for (const bad of [
      's3://',
      's3://UPPER/x',
      's3://a/x',
      's3://b-1/a//b',
      's3://b-1/a/../b',
      'http://b/x',
    ]) {
      assert.throws(() => parseS3Root(bad), UserError, bad);
    }
  });

  it('toBackend gives one S3 backend per root (shared connections), local for a directory', () => {
    const a = toBackend('s3://bucket-a/p');
    assert.ok(a instanceof S3Backend);
    assert.equal(a.root, 's3://bucket-a/p');
    assert.equal(toBackend('s3://bucket-a/p/'), a);
    assert.equal(toBackend(tmp).kind, 'local');
  });

  it('the client API takes an s3:// root', () => {
    const ctx = ClientContext.from({ datastoreRoot: 's3://bucket-a/p' });
    assert.equal(ctx.backend.kind, 's3');
    assert.equal(ctx.root, 's3://bucket-a/p');
  });
});

describe('endpoint and region from the AWS environment', () => {
  it('no endpoint: AWS itself, virtual-hosted addressing, the region left to the SDK unless set', () => {
    const home = { AWS_CONFIG_FILE: path.join(tmp, 'none') };
    assert.deepEqual(resolveS3Connection(home), { forcePathStyle: false });
    assert.deepEqual(resolveS3Connection({ ...home, AWS_REGION: 'eu-west-1' }), {
      forcePathStyle: false,
      region: 'eu-west-1',
    });
  });

  it('AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL; a custom endpoint is path-style, us-east-1 by default', () => {
    const base = { AWS_CONFIG_FILE: path.join(tmp, 'none') };
    assert.deepEqual(resolveS3Connection({ ...base, AWS_ENDPOINT_URL: 'http://10.0.0.1:9000/' }), {
      endpoint: 'http://10.0.0.1:9000',
      forcePathStyle: true,
      region: 'us-east-1',
    });
    assert.deepEqual(
      resolveS3Connection({
        ...base,
        AWS_ENDPOINT_URL: 'http://general:1',
        AWS_ENDPOINT_URL_S3: 'https://s3.example:8443',
        AWS_DEFAULT_REGION: 'x-1',
      }),
      { endpoint: 'https://s3.example:8443', forcePathStyle: true, region: 'x-1' },
    );
    assert.deepEqual(
      resolveS3Connection({
        ...base,
        AWS_ENDPOINT_URL_S3: 'http://x:1',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      }),
      { forcePathStyle: false },
    );
    assert.throws(() => resolveS3Connection({ ...base, AWS_ENDPOINT_URL_S3: 'ftp://x' }), UserError);
  });

  it('profiles: endpoint_url, a services section for s3, and the region', () => {
    const file = path.join(tmp, 'config');
    fs.writeFileSync(
      file,
      [
        '[default]',
        'region = eu-central-1',
        'endpoint_url = http://default-endpoint:7480',
        '',
        '[profile ceph]',
        'services = my-services',
        'region = zone-a',
        '',
        '[services my-services]',
        's3 =',
        '  endpoint_url = http://ceph.local:7480',
        'sts =',
        '  endpoint_url = http://sts.local',
        '',
      ].join('\n'),
    );
    assert.deepEqual(resolveS3Connection({ AWS_CONFIG_FILE: file }), {
      endpoint: 'http://default-endpoint:7480',
      forcePathStyle: true,
      region: 'eu-central-1',
    });
    assert.deepEqual(resolveS3Connection({ AWS_CONFIG_FILE: file, AWS_PROFILE: 'ceph' }), {
      endpoint: 'http://ceph.local:7480',
      forcePathStyle: true,
      region: 'zone-a',
    });
  });

  it('URLs are printed without user info or query strings', () => {
    assert.equal(redactUrl('https://user:pass@host:1/x?X-Amz-Signature=abc'), 'https://host:1/x');
  });
});

describe('--datastore s3 on the command line', () => {
  const parse = (...argv: string[]) => parseArgs('runs', argv, DATASTORE_OPTIONS);

  it('selects S3 with an s3:// root from the option or the environment', () => {
    assert.equal(
      datastoreRoot(parse('--datastore', 's3', '--datastore-root', 's3://bkt/p'), {}),
      's3://bkt/p',
    );
    assert.equal(
      datastoreRoot(parse('--datastore', 's3'), { TSFLOW_DATASTORE_ROOT: 's3://bkt/q' }),
      's3://bkt/q',
    );
    assert.equal(
      datastoreRoot(parse(), { TSFLOW_DATASTORE: 's3', TSFLOW_DATASTORE_ROOT: 's3://bkt/r' }),
      's3://bkt/r',
    );
    // An s3:// root alone implies S3.
    assert.equal(datastoreRoot(parse('--datastore-root', 's3://bkt/s'), {}), 's3://bkt/s');
    assert.equal(datastoreRoot(parse('--datastore-root', tmp), {}), tmp);
  });

  it('clear exit-2 errors for a missing or mismatched root', () => {
    const err = (args: ReturnType<typeof parse>, env: NodeJS.ProcessEnv, re: RegExp) =>
      assert.throws(
        () => datastoreRoot(args, env),
        (e: Error) => e instanceof UserError && e.exitCode === 2 && re.test(e.message),
      );
    err(
      parse('--datastore', 's3'),
      {},
      /--datastore s3 needs an S3 root: give --datastore-root s3:\/\/BUCKET\/PREFIX or set TSFLOW_DATASTORE_ROOT/,
    );
    err(
      parse('--datastore', 's3', '--datastore-root', tmp),
      {},
      /needs an s3:\/\/BUCKET\/PREFIX root, but --datastore-root is/,
    );
    err(
      parse(),
      { TSFLOW_DATASTORE: 's3', TSFLOW_DATASTORE_ROOT: tmp },
      /TSFLOW_DATASTORE s3 needs an s3:\/\/BUCKET\/PREFIX root, but TSFLOW_DATASTORE_ROOT is/,
    );
    err(
      parse('--datastore', 'local', '--datastore-root', 's3://bkt/p'),
      {},
      /--datastore local cannot use the S3 root 's3:\/\/bkt\/p'/,
    );
    err(parse('--datastore', 'gcs'), {}, /--datastore must be 'local' or 's3', not 'gcs'/);
    err(
      parse('--datastore', 's3', '--datastore-root', 's3://Bad_Bucket/x'),
      {},
      /not a valid S3 bucket name/,
    );
  });
});

/** A stand-in S3 endpoint answering from a script of responses (the last one repeats). */
async function fakeS3(
  script: { status: number; code?: string; body?: string }[],
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const r = script[Math.min(requests.length, script.length - 1)]!;
      requests.push(`${req.method} ${req.url}`);
      const body = r.code
        ? `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${r.code}</Code><Message>${r.code} from the fake</Message></Error>`
        : (r.body ?? '');
      res.writeHead(r.status, {
        'content-length': Buffer.byteLength(body),
        'content-type': 'application/xml',
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('S3 retries', () => {
  const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-for-the-fake-server' };

  it('throttling (503 SlowDown, 429) and 5xx are retried with backoff until the request succeeds', async () => {
    const fake = await fakeS3([
      { status: 503, code: 'SlowDown' },
      { status: 429, code: 'TooManyRequests' },
      { status: 500, code: 'InternalError' },
      { status: 200, body: 'hello' },
    ]);
    try {
      const b = new S3Backend('s3://bucket-r/p', { endpoint: fake.url, credentials: creds, maxAttempts: 5 });
      assert.equal((await b.get('F/x'))?.toString(), 'hello');
      assert.equal(fake.requests.length, 4);
      // Path-style, the same request each time (the SDK may add a query such as ?x-id=GetObject).
      assert.ok(
        fake.requests.every((r) => /^GET \/bucket-r\/p\/F\/x(\?|$)/.test(r)),
        fake.requests.join(', '),
      );
      await b.close();
    } finally {
      await fake.close();
    }
  });

  it('a server that keeps failing: a StorageError after maxAttempts tries', async () => {
    const fake = await fakeS3([{ status: 503, code: 'ServiceUnavailable' }]);
    try {
      const b = new S3Backend('s3://bucket-r/p', { endpoint: fake.url, credentials: creds, maxAttempts: 3 });
      await assert.rejects(
        () => b.put('F/x', 'v'),
        (e: Error) =>
          e instanceof StorageError &&
          /^S3 PUT s3:\/\/bucket-r\/p\/F\/x failed at http:\/\/127\.0\.0\.1:\d+: ServiceUnavailable.*\(HTTP 503\) after 3 attempts$/.test(
            e.message,
          ),
      );
      assert.equal(fake.requests.length, 3);
      // Client errors are not retried.
      const denied = await fakeS3([{ status: 403, code: 'AccessDenied' }]);
      const d = new S3Backend('s3://bucket-r/p', {
        endpoint: denied.url,
        credentials: creds,
        maxAttempts: 3,
      });
      await assert.rejects(() => d.get('F/x'), /AccessDenied.*\(HTTP 403\)/);
      assert.equal(denied.requests.length, 1);
      await Promise.all([b.close(), d.close(), denied.close()]);
    } finally {
      await fake.close();
    }
  });
});

describe('S3 errors', () => {
  it('a refused connection is a StorageError naming the object and the endpoint, never the secret', async () => {
    const secret = 'vErYsEcReTkEy/with+chars0123456789';
    const b = new S3Backend('s3://bucket-x/pre', {
      endpoint: 'http://user:pw@127.0.0.1:9/',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret },
      maxAttempts: 2,
    });
    assert.equal(b.where, 'http://127.0.0.1:9');
    for (const op of [
      () => b.get('F/1/x'),
      () => b.put('F/1/x', 'v'),
      () => b.list('F'),
      () => b.touch('F/x'),
    ]) {
      const e = await op().then(
        () => assert.fail('expected a StorageError'),
        (err: Error) => err,
      );
      assert.ok(e instanceof StorageError, String(e));
      assert.match(
        e.message,
        /^S3 \S+( \(touch\))? s3:\/\/bucket-x\/pre\/F\S* failed at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/,
      );
      assert.ok(!e.message.includes(secret) && !e.message.includes('pw@'), e.message);
      assert.ok(!/Signature|Credential=/.test(e.message), e.message);
    }
    await b.close();
  });
});

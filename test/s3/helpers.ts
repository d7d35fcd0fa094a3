// The S3 test server for a test file: the cluster the s3 tier started (TSFLOW_TEST_CEPH_DIR), or
// one started for this file alone when it runs by itself, or a loud skip when Ceph cannot be had.

import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { S3Backend, type S3BackendOptions } from '../../runtime/src/datastore/s3-backend.js';
import {
  acquireCeph,
  type CephConnection,
  type CephLease,
  cannotProvision,
  s3Env,
} from '../../scripts/ceph.mjs';

export const CEPH_DIR_ENV = 'TSFLOW_TEST_CEPH_DIR';
// Tests use the SDK directly too: the pinned release supports Node 20, its Node 22 notice is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const why = process.env[CEPH_DIR_ENV] ? null : cannotProvision();
/** Why the S3 tests of this file are skipped, or false. */
export const skip: string | false = why ? `no S3 test server: ${why}` : false;
if (skip) {
  console.error(`\n!!!!! S3 TESTS SKIPPED: ${skip} !!!!!\n`);
}

let lease: CephLease | undefined;
let conn: CephConnection | undefined;

before(
  async () => {
    if (skip) return;
    lease = await acquireCeph();
    if (lease.skip !== undefined) throw new Error(`no S3 test server: ${lease.skip}`);
    conn = lease.conn;
    // In-process code (the client API, FlowStore over an s3:// root) reads the AWS environment.
    Object.assign(process.env, s3Env(conn));
  },
  { timeout: 240_000 },
);

after(async () => {
  await lease?.release?.();
});

export function ceph(): CephConnection {
  if (!conn) throw new Error('the S3 test server is not started (is the test skipped?)');
  return conn;
}

/** A fresh `s3://bucket/<name>-<random>` root, so tests never see each other's objects. */
export function s3Root(name: string): string {
  return `s3://${ceph().bucket}/${name}-${randomBytes(4).toString('hex')}`;
}

/** The environment for a spawned `tsflow` that stores on S3 through gateway `a` (or `b`). */
export function s3ProcessEnv(gateway: 'a' | 'b' = 'a'): NodeJS.ProcessEnv {
  return { ...s3Env(ceph(), gateway), TSFLOW_DATASTORE: 's3' };
}

/** An S3Backend on the test server, configured explicitly (not from the environment). */
export function s3Backend(root: string, opts: S3BackendOptions & { gateway?: 'a' | 'b' } = {}): S3Backend {
  const c = ceph();
  return new S3Backend(root, {
    endpoint: c.endpoints[opts.gateway ?? 'a'],
    region: c.region,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    ...opts,
  });
}

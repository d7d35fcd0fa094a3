// S3 datastore throughput against a real Ceph RADOS gateway (single node, in-memory OSD, on this
// machine: it measures tsflow's S3 path, the SDK and the gateway, not a network). Prints figures;
// asserts nothing.
//   node --import tsx bench/s3.ts [--reps N]
// Uses the cluster in $TSFLOW_TEST_CEPH_DIR when set, else starts one (needs Ceph installed, or
// root and apt to install it) and stops it at the end.

import { execFileSync } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendFlowStore } from '../runtime/src/datastore/flow-store.js';
import { LocalBackend } from '../runtime/src/datastore/local-backend.js';
import { S3Backend } from '../runtime/src/datastore/s3-backend.js';
import type { ArtifactRef, StorageBackend } from '../runtime/src/datastore/types.js';
import { ArtifactBinder } from '../runtime/src/runtime/artifacts.js';
import { acquireCeph, s3Env } from '../scripts/ceph.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const MB = 1e6;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 3;

const lease = await acquireCeph({ prefix: 'tsflow-bench-ceph-' });
if (lease.skip !== undefined) {
  console.log(`bench/s3: SKIPPED, no S3 server can be had here (${lease.skip})`);
  process.exit(0);
}
const { conn } = lease;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-s3-'));

function s3(): S3Backend {
  return new S3Backend(`s3://${conn.bucket}/bench-${randomBytes(4).toString('hex')}`, {
    endpoint: conn.endpoint,
    region: conn.region,
    credentials: { accessKeyId: conn.accessKeyId, secretAccessKey: conn.secretAccessKey },
  });
}
function local(): LocalBackend {
  return new LocalBackend(fs.mkdtempSync(path.join(tmp, 'local-')));
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

async function pool<T>(items: T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const rate = (bytes: number, ms: number) => `${((bytes / MB) * (1000 / ms)).toFixed(0)} MB/s`;

async function big(label: string, make: () => StorageBackend): Promise<void> {
  for (let r = 0; r < reps; r++) {
    const store = new BackendFlowStore(make(), 'BenchFlow');
    const value = randomFillSync(Buffer.allocUnsafe(100 * MB));
    const ctx = { artifact: 'x', pathspec: 'BenchFlow/1/start/1' };
    const [ref, save] = await time(() => store.saveArtifact(value, ctx));
    const [, load] = await time(() => store.loadArtifact(ref, ctx));
    console.log(
      `${label}: 100 MB artifact (random bytes) #${r + 1}: save ${save.toFixed(0)} ms (${rate(100 * MB, save)}), ` +
        `load ${load.toFixed(0)} ms (${rate(100 * MB, load)})`,
    );
  }
}

async function small(label: string, make: () => StorageBackend, n = 1000): Promise<void> {
  for (let r = 0; r < Math.min(reps, 2); r++) {
    const store = new BackendFlowStore(make(), 'BenchFlow');
    const values = Array.from({ length: n }, (_, i) => ({ i, name: `item-${i}`, v: Math.random() }));
    const refs: ArtifactRef[] = new Array(n);
    const [, save] = await time(() =>
      pool([...values.keys()], 32, async (i) => {
        refs[i] = await store.saveArtifact(values[i], { artifact: `a${i}`, pathspec: 'BenchFlow/1/start/1' });
      }),
    );
    const [, load] = await time(() =>
      pool([...values.keys()], 32, async (i) => {
        await store.loadArtifact(refs[i]!, { artifact: `a${i}`, pathspec: 'BenchFlow/1/start/1' });
      }),
    );
    // The task worker's path on S3: one prefetch of everything a step can read.
    const binder = new ArtifactBinder(store, 'BenchFlow/1/next/2');
    const [, prefetch] = await time(() =>
      binder.prefetch(refs.map((ref, i) => ({ name: `a${i}`, ref, pathspec: 'BenchFlow/1/start/1' }))),
    );
    const per = (ms: number) => `${((n / ms) * 1000).toFixed(0)}/s`;
    console.log(
      `${label}: ${n} small artifacts #${r + 1}: save ${save.toFixed(0)} ms (${per(save)}, 32 at a time), ` +
        `load ${load.toFixed(0)} ms (${per(load)}, 32 at a time), task prefetch ${prefetch.toFixed(0)} ms (${per(prefetch)}, 16 at a time)`,
    );
  }
}

/** Wall time of `tsflow run examples/petsflow.ts` (5 tasks) on local disk and on S3. */
function petsflow(): void {
  const bin = path.join(repo, 'runtime/bin/tsflow.js');
  if (!fs.existsSync(path.join(repo, 'runtime/dist/cli.js'))) return;
  for (const where of ['local', 's3'] as const) {
    const root =
      where === 'local'
        ? fs.mkdtempSync(path.join(tmp, 'pets-'))
        : `s3://${conn.bucket}/bench-pets-${randomBytes(4).toString('hex')}`;
    const env = { ...process.env, ...(where === 's3' ? s3Env(conn) : {}), TSFLOW_DATASTORE_ROOT: root };
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      execFileSync(process.execPath, [bin, 'run', path.join(repo, 'examples/petsflow.ts')], {
        env,
        stdio: 'ignore',
      });
      times.push(performance.now() - t0);
    }
    console.log(
      `PetsFlow (5 tasks) on ${where}: ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')}`,
    );
  }
}

/** What a task process pays to load the AWS SDK (only tasks on an S3 datastore do). */
function sdkLoad(): void {
  const code =
    "const t=performance.now();require('@aws-sdk/client-s3');process.stdout.write(String(performance.now()-t))";
  const ms = Array.from({ length: reps }, () =>
    Number(execFileSync(process.execPath, ['-e', code], { cwd: path.join(repo, 'runtime') }).toString()),
  );
  console.log(`AWS SDK load in a fresh process: ${ms.map((m) => `${m.toFixed(0)} ms`).join(', ')}`);
}

try {
  console.log(`Ceph RADOS gateway at ${conn.endpoint}; ${os.cpus().length} cores; ${reps} reps`);
  sdkLoad();
  await big('s3', s3);
  await big('local', local);
  await small('s3', s3);
  await small('local', local);
  petsflow();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
  await lease.release();
}

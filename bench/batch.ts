// Per-task overhead through AWS Batch, against the Batch emulator (test/batch/emulator.ts: the
// real wire protocols, jobs as local processes) and the real S3 gateway: a foreach of N trivial
// tasks with --with batch, compared with the same run on the local datastore. Prints figures;
// asserts nothing. Each Batch task pays: submit, polling (TSFLOW_BATCH_POLL_MS, 250 ms here),
// the code package download by presigned URL, and S3 round trips for its records.
//   node --import tsx bench/batch.ts [--n 20]

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireCeph, s3Env } from '../scripts/ceph.mjs';
import { BatchEmulator } from '../test/batch/emulator.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--n');
const n = i >= 0 ? Number(process.argv[i + 1]) : 20;
const tasks = n + 3;

const lease = await acquireCeph({ prefix: 'tsflow-bench-ceph-' });
if (lease.skip !== undefined) {
  console.log(`bench/batch: SKIPPED, no S3 server can be had here (${lease.skip})`);
  process.exit(0);
}
const { conn } = lease;
const emu = new BatchEmulator({ env: s3Env(conn) });
const endpoint = await emu.start();

/** Runs tsflow without blocking: the emulator answers from this process's event loop. */
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, 'runtime/bin/tsflow.js'), ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`tsflow ${args.join(' ')}: ${err}`);
  return performance.now() - t0;
}

try {
  const flow = path.join(REPO, 'test/flows/wide.ts');
  const common = ['run', flow, '--n', String(n), '--max-workers', '4', '--max-num-splits', String(n)];
  const local = await run(common, {
    TSFLOW_DATASTORE_ROOT: fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-')),
  });
  const s3 = await run(common, {
    ...s3Env(conn),
    TSFLOW_DATASTORE_ROOT: `s3://${conn.bucket}/bench-${Date.now()}`,
  });
  const batchEnv = {
    ...s3Env(conn),
    TSFLOW_DATASTORE_ROOT: `s3://${conn.bucket}/bench-batch-${Date.now()}`,
    AWS_ENDPOINT_URL_BATCH: endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
    TSFLOW_BATCH_QUEUE: 'bench',
    TSFLOW_BATCH_POLL_MS: '250',
  };
  const batch = await run([...common, '--with', 'batch'], batchEnv);
  const per = (ms: number) => `${(ms / tasks).toFixed(0)} ms per task`;
  console.log(
    `# batch benchmark: foreach of ${n} (${tasks} tasks), --max-workers 4, load ${os.loadavg()[0]!.toFixed(2)}`,
  );
  console.log(`local datastore, local processes: ${(local / 1000).toFixed(1)} s (${per(local)})`);
  console.log(`S3 datastore, local processes:    ${(s3 / 1000).toFixed(1)} s (${per(s3)})`);
  console.log(
    `S3 datastore, Batch jobs:         ${(batch / 1000).toFixed(1)} s (${per(batch)}); ${emu.calls.filter((c) => c === 'Batch.submitjob').length} jobs`,
  );
  console.log(`Batch overhead over local processes on S3: ${((batch - s3) / tasks).toFixed(0)} ms per task`);
} finally {
  await emu.stop();
  await lease.release();
}

// What a wide foreach leaves on disk: files and bytes of a 10^4-task run (a foreach of 10,000
// trivial tasks), in total and per task. Prints figures; asserts nothing. (Metaflow: about 43
// files per task.) Takes several minutes: every task is its own process.
//   node --import tsx bench/storage.ts [--n 10000] [--workers 2]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const n = Number(arg('n', '10000'));
const workers = arg('workers', '2');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-storage-'));

function du(dir: string): { files: number; bytes: number; dirs: number } {
  let files = 0;
  let bytes = 0;
  let dirs = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        dirs++;
        walk(p);
      } else {
        files++;
        bytes += fs.statSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, bytes, dirs };
}

console.log(
  `# storage benchmark: foreach of ${n}, --max-workers ${workers}, load ${os.loadavg()[0]!.toFixed(2)}`,
);
const t0 = performance.now();
const r = spawnSync(
  process.execPath,
  [
    path.join(REPO, 'runtime/bin/tsflow.js'),
    'run',
    path.join(REPO, 'test/flows/wide.ts'),
    '--n',
    String(n),
    '--max-num-splits',
    String(n),
    '--max-workers',
    workers,
  ],
  {
    cwd: REPO,
    env: { ...process.env, TSFLOW_DATASTORE_ROOT: root, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  },
);
if (r.status !== 0) throw new Error(`run failed: ${r.stderr}`);
const secs = (performance.now() - t0) / 1000;
const tasks = n + 3;
const flowDir = path.join(root, 'WideFlow');
const runDir = fs.readdirSync(flowDir).find((d) => /^\d+$/.test(d))!;
const run = du(path.join(flowDir, runDir));
const data = du(path.join(flowDir, 'data'));
console.log(
  `run of ${tasks} tasks took ${secs.toFixed(0)} s (${((secs * 1000) / tasks).toFixed(1)} ms per task)`,
);
console.log(
  `records and logs: ${run.files} files (${(run.files / tasks).toFixed(1)} per task), ${(run.bytes / 1e6).toFixed(1)} MB (${(run.bytes / tasks).toFixed(0)} bytes per task), ${run.dirs} folders`,
);
console.log(
  `blobs: ${data.files} files, ${(data.bytes / 1e6).toFixed(2)} MB (content-addressed: equal values share one blob)`,
);
console.log(
  `total: ${run.files + data.files} files, ${((run.bytes + data.bytes) / 1e6).toFixed(1)} MB, ${((run.files + data.files) / tasks).toFixed(1)} files per task`,
);
fs.rmSync(root, { recursive: true, force: true });

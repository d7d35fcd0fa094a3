// Resume cloning: a real 1,000-task origin run (a foreach of 1,000), then `tsflow resume FILE join`,
// which clones the start task and the 1,000 foreach tasks by manifest pointer and re-runs the join
// and the end. Prints figures; asserts nothing. (Metaflow here: a resume cloning 101 tasks took
// 2.6 s end to end.)
//   node --import tsx bench/resume.ts [--n 1000]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'runtime/bin/tsflow.js');
const FLOW = path.join(REPO, 'test/flows/wide.ts');
const i = process.argv.indexOf('--n');
const n = i >= 0 ? Number(process.argv[i + 1]) : 1000;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-resume-'));

function tsflow(args: string[]): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, TSFLOW_DATASTORE_ROOT: root, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`tsflow ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return { ms: performance.now() - t0, out: r.stdout };
}

console.log(
  `# resume benchmark: node ${process.version}, ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(2)}`,
);
const origin = tsflow(['run', FLOW, '--n', String(n), '--max-num-splits', String(n), '--max-workers', '2']);
console.log(`origin run: ${n + 3} tasks in ${(origin.ms / 1000).toFixed(1)} s`);
const resumed = tsflow(['resume', FLOW, 'join', '--max-num-splits', String(n)]);
const cloned = /(\d+) cloned/.exec(resumed.out)?.[1] ?? '?';
const plan = resumed.out
  .split('\n')
  .filter((l) => /clone|re-run/.test(l))
  .map((l) => l.trim());
console.log(
  `resume from join: ${cloned} tasks cloned, join and end re-run, ${(resumed.ms / 1000).toFixed(2)} s end to end`,
);
console.log(`  plan: ${plan.join(' | ')}`);
fs.rmSync(root, { recursive: true, force: true });

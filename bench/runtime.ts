// Runtime benchmark: what a user waits for. Prints figures; asserts nothing (these machines are
// shared and noisy, so figures go in notes, never in tests).
//   node --import tsx bench/runtime.ts [--sizes 10,100,1000] [--workers 2] [--reps 3]
//
// - a foreach of N trivial tasks with --max-workers 2: wall and CPU (scheduler plus every task
//   process), and the derived per-task overhead (wall / N, CPU / N)
// - PetsFlow end to end: the first run after install (every cache empty), after an edit (lint and
//   bundle again, compiler code cache warm), unchanged (lint cached)
// - the scheduler's peak memory (VmHWM of the `tsflow run` process)
// CPU comes from /proc/self/stat (cutime + cstime: every waited-for descendant).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'runtime/bin/tsflow.js');
const TICK_MS = 10; // USER_HZ is 100 on Linux

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}

function childCpuMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface Measure {
  wallMs: number;
  cpuMs: number;
  peakMb: number;
  code: number | null;
}

async function run(args: string[], root: string, env: NodeJS.ProcessEnv = {}): Promise<Measure> {
  const cpu0 = childCpuMs();
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, TSFLOW_DATASTORE_ROOT: root, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let peak = 0;
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const poll = setInterval(() => {
    peak = Math.max(peak, peakRssMb(child.pid!) ?? 0);
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`tsflow ${args.join(' ')} exited ${code}:\n${err}`);
  return { wallMs, cpuMs: childCpuMs() - cpu0, peakMb: peak, code };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const sizes = arg('sizes', '10,100,1000').split(',').map(Number);
const workers = arg('workers', '2');
const reps = Number(arg('reps', '3'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-rt-'));

console.log(
  `# tsflow runtime benchmark: node ${process.version}, ${os.availableParallelism()} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const wide = path.join(REPO, 'test/flows/wide.ts');
await run(['run', wide, '--n', '2'], root); // warm the lint and bundle caches
const totals: { n: number; wall: number; cpu: number }[] = [];
for (const n of sizes) {
  const ms: Measure[] = [];
  for (let r = 0; r < (n >= 1000 ? 1 : reps); r++)
    ms.push(
      await run(
        ['run', wide, '--n', String(n), '--max-workers', workers, '--max-num-splits', String(n)],
        root,
      ),
    );
  const tasks = n + 3; // start, n bodies, join, end
  const wall = median(ms.map((m) => m.wallMs));
  const cpu = median(ms.map((m) => m.cpuMs));
  const peak = Math.max(...ms.map((m) => m.peakMb));
  console.log(
    `foreach N=${String(n).padEnd(5)} --max-workers ${workers}: wall ${(wall / 1000).toFixed(2)} s, CPU ${(cpu / 1000).toFixed(2)} s ` +
      `(${tasks} tasks) => per task ${(wall / tasks).toFixed(1)} ms wall, ${(cpu / tasks).toFixed(1)} ms CPU; scheduler peak RSS ${peak.toFixed(0)} MB`,
  );
  totals.push({ n, wall, cpu });
}
// What one more task costs, without the run's fixed costs (CLI start, prepare, first and last
// steps) that wall / N spreads over the tasks: the slope between the smallest and largest N.
if (totals.length >= 2) {
  const a = totals[0]!;
  const b = totals[totals.length - 1]!;
  const dn = b.n - a.n;
  console.log(
    `marginal cost of a task (N=${a.n} -> N=${b.n}): ${((b.wall - a.wall) / dn).toFixed(1)} ms wall, ` +
      `${((b.cpu - a.cpu) / dn).toFixed(1)} ms CPU   target <= 50 ms wall`,
  );
}

const pets = path.join(REPO, 'examples/petsflow.ts');
const first: Measure[] = [];
const edited: Measure[] = [];
const warm: Measure[] = [];
for (let r = 0; r < reps; r++) {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-cache-'));
  // First run after installing: nothing cached (no lint result, no bundle, no code caches).
  first.push(await run(['run', pets], root, { TSFLOW_CACHE_DIR: cache }));
  // The everyday case: the user edited the flow, so it is linted and bundled again.
  const copy = path.join(cache, `petsflow-${r}.ts`);
  fs.writeFileSync(copy, `${fs.readFileSync(pets, 'utf8')}\n// edited ${r}\n`);
  edited.push(await run(['run', copy], root, { TSFLOW_CACHE_DIR: cache }));
  // Run again, unchanged.
  warm.push(await run(['run', copy], root, { TSFLOW_CACHE_DIR: cache }));
}
const sec = (ms: Measure[]) => `${(median(ms.map((m) => m.wallMs)) / 1000).toFixed(2)} s`;
console.log(
  `PetsFlow end to end: first run (empty caches) ${sec(first)}, after an edit (lint + bundle) ${sec(edited)}, ` +
    `unchanged (lint cached) ${sec(warm)} wall   target < 1.5 s; scheduler peak RSS ${Math.max(...warm.map((m) => m.peakMb)).toFixed(0)} MB`,
);
fs.rmSync(root, { recursive: true, force: true });

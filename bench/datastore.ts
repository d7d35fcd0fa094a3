// Datastore throughput and per-task record overhead. Prints figures; asserts nothing.
//   node --import tsx bench/datastore.ts [--only arrays|objects|records] [--keep]
// Artifact figures are save (serialize + hash + compress + write) and load (read + decompress +
// verify + deserialize) through FlowStore, each on a fresh datastore so nothing is deduplicated;
// loads run in a fresh process (bench/support/load-artifact.ts), as in the task that reads it.
// Each also prints its CPU time (all threads), steadier than wall time on a busy machine.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Step } from '../runtime/src/client/index.js';
import { TASK_NODE_FLAGS } from '../runtime/src/compute/task-node-flags.js';
import { openFlowStore } from '../runtime/src/datastore/index.js';
import type { FlowStore, TaskKey } from '../runtime/src/datastore/types.js';

const MB = 1e6;
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-'));

function fresh(name: string): FlowStore {
  return openFlowStore(path.join(tmp, name), 'BenchFlow');
}

/** The value, wall ms and CPU ms (every thread of this process: the libuv pool's too). */
async function time<T>(fn: () => Promise<T> | T): Promise<[T, number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = await fn();
  const c = process.cpuUsage(c0);
  return [v, performance.now() - t0, (c.user + c.system) / 1000];
}

/** Runs `bench/support/<script>` in a process of its own with the task processes' Node flags; its JSON output. */
function inTaskProcess<T>(script: string, args: string[]): T {
  const child = spawnSync(
    process.execPath,
    [...TASK_NODE_FLAGS, '--import', 'tsx', path.join(import.meta.dirname, 'support', script), ...args],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`${script} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as T;
}

async function artifact(label: string, make: () => unknown, bytes: number, reps = 3): Promise<number> {
  let size = bytes;
  for (let r = 0; r < reps; r++) {
    const value = make();
    // Making a million objects leaves V8 a full collection to finish (marking them all): that is
    // the cost of making the value, paid at the step's next allocation whatever it is. It is
    // settled here so that the save is timed on its own, as the load is (a fresh process).
    collectGarbage();
    const store = fresh(`${label.replace(/\W+/g, '-')}-${r}`);
    const ctx = { artifact: 'x', pathspec: 'BenchFlow/1/start/1' };
    const [ref, save, saveCpu] = await time(() => store.saveArtifact(value, ctx));
    // Loads run in a process of their own, as in the task that reads the artifact (with the
    // task processes' Node flags): not beside the value that was saved, whose heap would make
    // the loading process's GC work for it.
    const { load, loadCpu, loadSync } = inTaskProcess<{ load: number; loadCpu: number; loadSync: number }>(
      'load-artifact.ts',
      [store.backend.root, 'BenchFlow', JSON.stringify(ref)],
    );
    size = bytes || ref.size;
    const rate = (ms: number) => `${((size / MB) * (1000 / ms)).toFixed(0)} MB/s`;
    console.log(
      `${label} #${r + 1} (${ref.encoding}, ${(ref.size / MB).toFixed(1)} MB serialized): ` +
        `save ${save.toFixed(0)} ms (${rate(save)}; CPU ${saveCpu.toFixed(0)} ms), ` +
        `load ${load.toFixed(0)} ms (${rate(load)}; CPU ${loadCpu.toFixed(0)} ms), ` +
        `loadSync ${loadSync.toFixed(0)} ms (${rate(loadSync)})`,
    );
  }
  return size;
}

/**
 * What V8 alone takes to make the loaded value: in a fresh process with the task flags, a bare
 * loop making the same objects from columns already in memory (bench/support/build-objects.ts).
 * Any load that returns plain objects does this work at least, so its MB/s bounds the load's here.
 */
function objectsReference(n: number, size: number): void {
  const runs: { ms: number; cpu: number }[] = [];
  for (let r = 0; r < 5; r++) {
    runs.push(inTaskProcess<{ ms: number; cpu: number }>('build-objects.ts', [String(n)]));
  }
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  console.log(
    `reference: making the same ${n.toExponential(0).replace('+', '')} objects from columns already in memory, in a fresh process ` +
      `(no read, no format): ${runs.map((x) => x.ms.toFixed(0)).join(' / ')} ms (CPU ${best.cpu.toFixed(0)} ms at the best); ` +
      `a load of the ${(size / MB).toFixed(1)} MB can be no faster than ${((size / MB) * (1000 / best.ms)).toFixed(0)} MB/s here`,
  );
}

async function taskRecords(n: number): Promise<void> {
  const store = fresh('records');
  const run = await store.createRun({
    flow: 'BenchFlow',
    file: '/x.ts',
    user: 'bench',
    tags: [],
    systemTags: [],
    createdAt: Date.now(),
    parameters: {},
    host: os.hostname(),
    pid: process.pid,
  });
  await store.writeStepRecord(run.runId, { step: 'body', createdAt: Date.now() });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const key: TaskKey = { runId: run.runId, step: 'body', taskId: String(i + 1) };
    await store.writeTaskRecord({
      flow: 'BenchFlow',
      ...key,
      createdAt: Date.now(),
      parents: [],
      foreachStack: [],
      branchStack: [],
    });
    await store.startAttempt(key, { attempt: 0, startedAt: Date.now(), pid: process.pid, host: 'h' });
    const ctx = { artifact: 'v', pathspec: `BenchFlow/${run.runId}/body/${i + 1}` };
    const refs = await Promise.all([store.saveArtifact(i, ctx), store.saveArtifact({ i, s: 'x' }, ctx)]);
    await store.appendLog(key, 0, 'stdout', [{ ts: Date.now(), text: `task ${i}` }]);
    await store.commitAttempt(
      key,
      { attempt: 0, artifacts: { v: refs[0]!, w: refs[1]! }, transition: { next: ['end'] } },
      { attempt: 0, finishedAt: Date.now(), finished: true, successful: true },
    );
  }
  const per = (performance.now() - t0) / n;
  console.log(
    `task records (task.json, attempt.json, 2 blobs, log, data.json, .done): ${per.toFixed(2)} ms per task`,
  );
  const t1 = performance.now();
  for (let i = 0; i < n; i++)
    await store.latestAttempt({ runId: run.runId, step: 'body', taskId: String(i + 1) });
  console.log(`latestAttempt: ${((performance.now() - t1) / n).toFixed(2)} ms per task`);
  const t2 = performance.now();
  const step = await Step.get(`BenchFlow/${run.runId}/body`, { backend: store.backend });
  console.log(
    `client Step.get of a ${step.taskIds.length}-task step: ${(performance.now() - t2).toFixed(0)} ms`,
  );
}

// `--only arrays|objects|records` runs one section.
const only = process.argv[process.argv.indexOf('--only') + 1];
const wants = (section: string) => !process.argv.includes('--only') || only === section;
const n = 100 * MB;
if (wants('arrays')) {
  await artifact(
    'Float64Array 100 MB random',
    () => Float64Array.from({ length: n / 8 }, () => Math.random()),
    n,
  );
  await artifact('Float64Array 100 MB ramp', () => Float64Array.from({ length: n / 8 }, (_, i) => i), n);
}
if (wants('objects')) {
  const objects = () =>
    Array.from({ length: 1e6 }, (_, i) => ({ id: i, name: `name-${i}`, v: Math.random() }));
  // MB/s of the serialized size (no natural "raw" size for objects).
  const size = await artifact('1e6 objects {id,name,v}', objects, 0, 2);
  objectsReference(1e6, size);
  // A column of repeated values (a category), as real tables have: stored as a dictionary.
  const categories = Array.from({ length: 50 }, (_, k) => `category-${k}`);
  await artifact(
    '1e6 objects {id,kind,v} (50 kinds)',
    () =>
      Array.from({ length: 1e6 }, (_, i) => ({
        id: i,
        kind: categories[(i * 7919) % 50]!,
        v: Math.random(),
      })),
    0,
    2,
  );
}
if (wants('records')) await taskRecords(1000);

if (!process.argv.includes('--keep')) fs.rmSync(tmp, { recursive: true, force: true });

// Entry point of a task process: `node worker.js <bundle.mjs|bundle.cjs>`. It imports the flow bundle at
// once (so a process started ahead of need is warm), then reads its task, one JSON line, from
// stdin, runs that one task and exits. One process per task: a crash or `process.exit` in a step
// takes down only its own task. stdin rather than an IPC channel because an IPC channel makes
// every task process load Node's networking and stream machinery, a measurable share of a
// trivial task's cost. `tsflow spin` passes the spec in TSFLOW_TASK_SPEC instead.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openFlowStore } from '../datastore/index.js';
import * as flowApi from '../index.js';
import { preloadS3Sdk } from '../datastore/s3-backend.js';
import { flowRegistry, whileLoadingFlows } from '../flow/main.js';
import { FLOW_API } from '../flow/symbols.js';
import { importModule } from '../util/import-module.js';
import { runTask } from './run-task.js';
import { restoreExtraCa } from './extra-ca.js';
import { mapStack } from './source-map.js';
import type { TaskSpec } from './task-spec.js';

const bundle = process.argv[2];
if (!bundle) {
  console.error('usage: worker.js <flow-bundle.mjs>');
  process.exit(2);
}

/** Reads stdin up to the first newline (or EOF), blocking: this process has nothing else to do. */
function readSpecLine(): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        continue;
      }
      if ((err as NodeJS.ErrnoException).code === 'EOF') break;
      throw err;
    }
    if (n === 0) break;
    const part = buf.subarray(0, n);
    const nl = part.indexOf(10);
    chunks.push(Buffer.from(nl >= 0 ? part.subarray(0, nl) : part));
    if (nl >= 0) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The flow bundle's exports: a CommonJS bundle (local tasks, see bundle.ts) through require,
 * which spares the process Node's ES module loader; an ES module bundle through import().
 */
async function loadFlowModule(file: string): Promise<Record<string, unknown>> {
  if (!file.endsWith('.cjs')) return importModule(pathToFileURL(file).href);
  // The bundle's `tsflow` is this runner's flow API (bundle.ts).
  (globalThis as Record<symbol, unknown>)[FLOW_API] = flowApi;
  return createRequire(file)(file) as Record<string, unknown>;
}

/** Errors whose stack shows only tsflow's internals: the message says it all. */
const MESSAGE_ONLY = new Set(['FlowError', 'ArtifactSerializationError', 'CorruptDataError', 'StorageError']);

function report(err: unknown): string {
  if (err instanceof Error && MESSAGE_ONLY.has(err.name)) return `${err.name}: ${err.message}`;
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  // Frames inside tsflow's own task runner say nothing about the user's code.
  const own = fileURLToPath(import.meta.url);
  const lines = mapStack(text, bundle!).split('\n');
  return lines.filter((l, i) => i === 0 || !(l.trimStart().startsWith('at ') && l.includes(own))).join('\n');
}

/**
 * A task whose scheduler died (kill -9) must not go on writing into a run nobody watches: when
 * this process is re-parented, it stops. Its attempt stays uncommitted, so resume re-runs it.
 */
function exitWithParent(): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      process.stderr.write('tsflow: the scheduler is gone; stopping this task\n');
      process.exit(1);
    }
  }, 500);
  timer.unref();
}

async function main(): Promise<number> {
  exitWithParent();
  const extraCa = restoreExtraCa();
  let mod: Record<string, unknown> | undefined;
  let loadError: unknown;
  try {
    mod = await whileLoadingFlows(() => loadFlowModule(bundle!));
  } catch (err) {
    loadError = err;
  }
  extraCa.afterImport();
  // On an S3 datastore the AWS SDK loads while this process waits for its task.
  if (process.env.TSFLOW_PRELOAD_S3 === '1') preloadS3Sdk();
  const raw = process.env.TSFLOW_TASK_SPEC ?? readSpecLine();
  if (!raw) return 0; // the scheduler closed stdin without a task: it no longer needs this process
  const spec = JSON.parse(raw) as TaskSpec;
  if (!mod) {
    // Reported once a task is assigned, so the error lands in that task's log.
    process.stderr.write(`${report(loadError)}\n`);
    return 1;
  }
  const store = openFlowStore(spec.datastoreRoot, spec.flow);
  const result = await runTask(spec, store, mod, flowRegistry(), report);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${report(err)}\n`);
    process.exit(1);
  },
);

// Entry point of a task process: `node worker.js <bundle.mjs>`. It loads the flow bundle at once
// (so a pre-started worker is warm), then waits for one `run` message over IPC, runs that one
// task and exits. One process per task: a crash or `process.exit` in a step takes down only
// its own task. Without an IPC channel (e.g. `tsflow spin` in the foreground) the spec comes
// from the TSFLOW_TASK_SPEC environment variable.

import { pathToFileURL } from 'node:url';
import { openFlowStore } from '../datastore/index.js';
import { flowRegistry, whileLoadingFlows } from '../flow/main.js';
import { runTask } from './run-task.js';
import type { TaskSpec, WorkerMessage } from './task-spec.js';

// Stack traces of a failing step point at the flow's TypeScript source (the bundle has a map).
process.setSourceMapsEnabled(true);

const bundle = process.argv[2];
if (!bundle) {
  console.error('usage: worker.js <flow-bundle.mjs>');
  process.exit(2);
}

const loaded: Promise<Record<string, unknown>> = whileLoadingFlows(
  () => import(pathToFileURL(bundle).href) as Promise<Record<string, unknown>>,
);
// Reported when a task is assigned, so the error lands in that task's log.
loaded.catch(() => {});

async function run(spec: TaskSpec): Promise<never> {
  let mod: Record<string, unknown>;
  try {
    mod = await loaded;
  } catch (err) {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  }
  const store = openFlowStore(spec.datastoreRoot, spec.flow);
  const result = await runTask(spec, store, mod, flowRegistry());
  process.exit(result.ok ? 0 : 1);
}

if (process.send) {
  process.once('message', (msg: WorkerMessage) => {
    if (msg?.type === 'run') void run(msg.spec);
  });
} else {
  const raw = process.env.TSFLOW_TASK_SPEC;
  if (!raw) {
    console.error('worker.js: no IPC channel and no TSFLOW_TASK_SPEC');
    process.exit(2);
  }
  void run(JSON.parse(raw) as TaskSpec);
}

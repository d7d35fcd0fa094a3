// `tsflow spin PATHSPEC`: run one task of a past run again, with exactly its original inputs,
// in the foreground, with the flow's current code, without touching the origin run. The result
// is a small run of its own (system tag `spin`, origin recorded) so its artifacts and logs can
// be inspected like any other. With `--inspect` the task process waits for a debugger.

import os from 'node:os';
import path from 'node:path';
import { TaskProcess } from '../compute/local.js';
import { TASK_NODE_FLAGS } from '../compute/task-node-flags.js';
import { openFlowStore } from '../datastore/index.js';
import type { LogLine, LogStream, RunRecord, TaskRecord } from '../datastore/types.js';
import { NotFoundError, UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { runtimeDist } from './bundle.js';
import { currentUser, processStartTicks, writeParameters } from './launch.js';
import { deferExtraCaEnv } from './extra-ca.js';
import { prepareFlow } from './prepare.js';
import type { ParentRef, TaskSpec } from './task-spec.js';
import { commitIfUncommitted } from './uncommitted.js';
import { spawn } from 'node:child_process';

export interface SpinOptions {
  pathspec: string;
  datastoreRoot: string;
  /** The flow file (default: the one the origin run was started from). */
  file?: string;
  /** `--inspect[=host:port]`: start the task under the Node inspector and wait for a debugger. */
  inspect?: string | true;
  tags: string[];
}

export interface SpinResult {
  ok: boolean;
  pathspec: string;
}

function parsePathspec(p: string): { flow: string; runId: string; step: string; taskId?: string } {
  const parts = p.split('/');
  if (parts.length < 3 || parts.length > 4 || parts.some((x) => x === '')) {
    throw new UserError(`spin: '${p}' is not Flow/run/step[/task]`);
  }
  const [flow, runId, step, taskId] = parts as [string, string, string, string?];
  return { flow, runId, step, ...(taskId ? { taskId } : {}) };
}

export async function spin(opts: SpinOptions): Promise<SpinResult> {
  const target = parsePathspec(opts.pathspec);
  const store = openFlowStore(opts.datastoreRoot, target.flow);
  const origin: RunRecord | null = await store.readRun(target.runId);
  if (!origin) throw new NotFoundError(`no run ${target.flow}/${target.runId} in ${opts.datastoreRoot}`);
  let taskId = target.taskId;
  if (!taskId) {
    const tasks = await store.listTasks(target.runId, target.step);
    if (tasks.length !== 1) {
      throw new UserError(
        `spin: step ${target.step} of run ${target.runId} has ${tasks.length} tasks; name one (${target.flow}/${target.runId}/${target.step}/<task>: ${tasks.join(', ')})`,
      );
    }
    taskId = tasks[0]!;
  }
  const originKey = { runId: target.runId, step: target.step, taskId };
  const record: TaskRecord | null = await store.readTaskRecord(originKey);
  if (!record) throw new NotFoundError(`no task ${target.flow}/${target.runId}/${target.step}/${taskId}`);

  const prepared = await prepareFlow(opts.file ?? origin.file, { flow: target.flow });
  const node = prepared.graph.steps.find((s) => s.name === target.step);
  if (!node) throw new UserError(`${prepared.file} no longer has a step '${target.step}'`);

  // The inputs exactly as the original task saw them: the attempts of its parents that were committed.
  const parents: ParentRef[] = [];
  for (const p of record.parents) {
    const [, runId, step, id] = p.split('/') as [string, string, string, string];
    const view = await store.latestAttempt({ runId, step, taskId: id });
    if (!view?.done?.finished) throw new UserError(`spin: input task ${p} has no finished attempt to read`);
    parents.push({ runId, step, taskId: id, attempt: view.attempt });
  }
  const paramsView = await store.readAttempt({ runId: target.runId, step: '_parameters', taskId: '0' }, 0);
  if (!paramsView?.data) throw new UserError(`spin: run ${target.runId} has no committed parameters`);

  const user = currentUser();
  const run = await store.createRun({
    flow: target.flow,
    file: prepared.file,
    user,
    tags: opts.tags,
    systemTags: [`user:${user}`, `runtime:node${process.versions.node}`, `tsflow:${VERSION}`, 'spin'],
    createdAt: Date.now(),
    parameters: origin.parameters,
    host: os.hostname(),
    pid: process.pid,
    originRunId: target.runId,
  });
  const runId = run.runId;
  const ticks = processStartTicks();
  await Promise.all([
    store.writeGraph(runId, prepared.graph),
    store.writeRunStatus(runId, {
      status: 'running',
      heartbeatAt: Date.now(),
      ...(ticks ? { pidStart: ticks } : {}),
    }),
  ]);
  const parameters = await writeParameters(store, runId, target.flow, {
    clone: paramsView.data,
    originPathspec: `${target.flow}/${target.runId}/_parameters/0`,
  });
  const newTaskId = '1';
  const key = { runId, step: target.step, taskId: newTaskId };
  await store.writeStepRecord(runId, { step: target.step, createdAt: Date.now() });
  await store.writeTaskRecord({
    ...record,
    runId,
    taskId: newTaskId,
    createdAt: Date.now(),
    originPathspec: `${target.flow}/${target.runId}/${target.step}/${taskId}`,
  });
  const spec: TaskSpec = {
    datastoreRoot: opts.datastoreRoot,
    flow: target.flow,
    flowClass: target.flow,
    runId,
    step: target.step,
    taskId: newTaskId,
    attempt: 0,
    parents,
    parameters,
    foreachStack: record.foreachStack,
    node,
    maxNumSplits: Number.MAX_SAFE_INTEGER,
    inputRunId: target.runId,
  };
  const inspect =
    opts.inspect === true ? ['--inspect-wait'] : opts.inspect ? [`--inspect-wait=${opts.inspect}`] : [];
  const child = spawn(
    process.execPath,
    [...TASK_NODE_FLAGS, ...inspect, path.join(runtimeDist(), 'worker.js'), prepared.bundle.path],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: deferExtraCaEnv(process.env),
    },
  );
  const proc = new TaskProcess(child);
  await store.startAttempt(key, { attempt: 0, startedAt: Date.now(), pid: proc.pid, host: os.hostname() });
  const logs: Record<LogStream, LogLine[]> = { stdout: [], stderr: [] };
  proc.run(spec, (stream, text, ts) => {
    logs[stream].push({ ts, text });
    (stream === 'stdout' ? process.stdout : process.stderr).write(`${text}\n`);
  });
  const stop = () => proc.kill('SIGTERM');
  process.on('SIGINT', stop);
  const exit = await proc.exited;
  process.off('SIGINT', stop);
  for (const stream of ['stdout', 'stderr'] as const) {
    if (logs[stream].length > 0) await store.appendLog(key, 0, stream, logs[stream]);
  }
  const view = await commitIfUncommitted(store, key, 0, exit);
  const ok = Boolean(view?.done?.finished) && exit.code === 0;
  await store.writeRunStatus(runId, {
    status: ok ? 'succeeded' : 'failed',
    heartbeatAt: Date.now(),
    finishedAt: Date.now(),
    ...(ok ? {} : { error: view?.done?.error?.message ?? 'the spun task failed' }),
  });
  return { ok, pathspec: `${target.flow}/${runId}/${target.step}/${newTaskId}` };
}

// `tsflow run`: record the run, persist its parameters as the `_parameters` pseudo-task, hand
// the graph to the scheduler, keep a heartbeat, and record how it ended. Ctrl-C stops every task
// and leaves the run marked failed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalCompute } from '../compute/local.js';
import { openFlowStore } from '../datastore/index.js';
import type { ArtifactRef, FlowStore, RunRecord, RunStatus } from '../datastore/types.js';
import { RunConsole } from './console.js';
import { runtimeDist } from './bundle.js';
import type { PreparedFlow } from './prepare.js';
import { Scheduler, type RunOutcome } from './scheduler.js';
import type { ParentRef } from './task-spec.js';
import { VERSION } from '../version.js';

export interface LaunchOptions {
  prepared: PreparedFlow;
  /** Parameter values by field name, already validated. */
  parameters: Record<string, unknown>;
  datastoreRoot: string;
  maxWorkers: number;
  maxNumSplits: number;
  tags: string[];
  runIdFile?: string;
  console?: RunConsole;
}

const HEARTBEAT_MS = 5000;

export function currentUser(): string {
  return (
    process.env.TSFLOW_USER ?? process.env.USER ?? process.env.USERNAME ?? os.userInfo().username ?? 'unknown'
  );
}

async function writeParameters(
  store: FlowStore,
  runId: string,
  flow: string,
  values: Record<string, unknown>,
): Promise<ParentRef> {
  const key = { runId, step: '_parameters', taskId: '0' };
  await store.writeStepRecord(runId, { step: '_parameters', createdAt: Date.now() });
  await store.writeTaskRecord({
    flow,
    runId,
    step: '_parameters',
    taskId: '0',
    createdAt: Date.now(),
    parents: [],
    foreachStack: [],
    branchStack: [],
  });
  await store.startAttempt(key, { attempt: 0, startedAt: Date.now(), pid: process.pid, host: os.hostname() });
  const artifacts: Record<string, ArtifactRef> = {};
  for (const [field, value] of Object.entries(values)) {
    artifacts[field] = await store.saveArtifact(value, {
      artifact: field,
      pathspec: `${flow}/${runId}/_parameters/0`,
    });
  }
  await store.commitAttempt(
    key,
    { attempt: 0, artifacts, transition: null },
    { attempt: 0, finishedAt: Date.now(), finished: true, successful: true },
  );
  return { ...key, attempt: 0 };
}

export async function launchRun(opts: LaunchOptions): Promise<RunOutcome & { runId: string }> {
  const { prepared } = opts;
  const graph = prepared.graph;
  const out = opts.console ?? new RunConsole();
  const store = openFlowStore(opts.datastoreRoot, graph.name);
  // Task processes boot while the run is being recorded.
  const compute = new LocalCompute({
    workerScript: path.join(runtimeDist(), 'worker.js'),
    bundle: prepared.bundle.path,
    spare: 1,
  });
  compute.prewarm();

  const user = currentUser();
  let record: RunRecord;
  try {
    record = await store.createRun({
      flow: graph.name,
      file: prepared.file,
      user,
      tags: opts.tags,
      systemTags: [`user:${user}`, `runtime:node${process.versions.node}`, `tsflow:${VERSION}`],
      createdAt: Date.now(),
      parameters: opts.parameters,
      host: os.hostname(),
      pid: process.pid,
    });
  } catch (err) {
    compute.shutdown();
    throw err;
  }
  const runId = record.runId;
  if (opts.runIdFile) fs.writeFileSync(opts.runIdFile, runId);
  const status = (s: RunStatus) => store.writeRunStatus(runId, s);
  await Promise.all([store.writeGraph(runId, graph), status({ status: 'running', heartbeatAt: Date.now() })]);
  out.event(`Workflow starting (run-id ${runId}), flow ${graph.name}, datastore ${opts.datastoreRoot}`);

  let finished = false;
  const heartbeat = setInterval(() => {
    if (!finished) void status({ status: 'running', heartbeatAt: Date.now() }).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let scheduler: Scheduler | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    out.event(`Received ${sig}: stopping every task; the run will be marked failed.`, 'error');
    scheduler?.abort(`interrupted by ${sig}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: RunOutcome;
  try {
    const parameters = await writeParameters(store, runId, graph.name, opts.parameters);
    scheduler = new Scheduler({
      store,
      graph,
      flowClass: graph.name,
      runId,
      datastoreRoot: opts.datastoreRoot,
      maxWorkers: opts.maxWorkers,
      maxNumSplits: opts.maxNumSplits,
      compute,
      console: out,
      parameters,
    });
    outcome = await scheduler.run();
  } catch (err) {
    outcome = { status: 'failed', error: (err as Error).message, tasks: 0 };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    finished = true;
    clearInterval(heartbeat);
    compute.shutdown();
  }
  const final: RunStatus = { status: outcome.status, heartbeatAt: Date.now(), finishedAt: Date.now() };
  if (outcome.error) final.error = outcome.error;
  await status(final);
  if (outcome.status === 'succeeded')
    out.event(`Done! Run ${graph.name}/${runId} succeeded (${outcome.tasks} tasks).`, 'success');
  else out.event(`Run ${graph.name}/${runId} failed: ${outcome.error}`, 'error');
  return { ...outcome, runId };
}

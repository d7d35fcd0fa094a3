// `tsflow run` and `tsflow resume`: record the run, persist its parameters as the `_parameters`
// pseudo-task (resume: point at the origin's), hand the graph to the scheduler, keep a
// heartbeat, and record how it ended. Ctrl-C stops every task and leaves the run marked failed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalCompute } from '../compute/local.js';
import { isS3Root, openFlowStore } from '../datastore/index.js';
import type { ArtifactRef, AttemptData, FlowStore, RunRecord, RunStatus } from '../datastore/types.js';
import type { DecoratorSpec } from '../flow/types.js';
import { VERSION } from '../version.js';
import { runtimeDist } from './bundle.js';
import { setUpBatch } from './remote.js';
import { RunConsole } from './console.js';
import { type StepPolicy, stepPolicy } from './policy.js';
import type { PreparedFlow } from './prepare.js';
import { type CloneSource, type RunOutcome, Scheduler } from './scheduler.js';
import type { ParentRef } from './task-spec.js';

export interface LaunchOptions {
  prepared: PreparedFlow;
  /** Parameter values by field name, already validated (a new run). */
  parameters?: Record<string, unknown>;
  /** Resume: the origin run, its `_parameters` manifest and what may be cloned. */
  resume?: { origin: RunRecord; parameters: AttemptData; clone: CloneSource };
  datastoreRoot: string;
  maxWorkers: number;
  maxNumSplits: number;
  tags: string[];
  /** `--with` decorator specs for every step. */
  withSpecs?: DecoratorSpec[];
  runIdFile?: string;
  console?: RunConsole;
}

const HEARTBEAT_MS = 5000;

export function currentUser(): string {
  return (
    process.env.TSFLOW_USER ?? process.env.USER ?? process.env.USERNAME ?? os.userInfo().username ?? 'unknown'
  );
}

/** Process start time (clock ticks since boot), so a reader can tell our pid from a reused one. */
export function processStartTicks(pid: number = process.pid): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

/** The `_parameters/0` pseudo-task: saved values (run) or the origin's manifest (resume). */
export async function writeParameters(
  store: FlowStore,
  runId: string,
  flow: string,
  source: { values: Record<string, unknown> } | { clone: AttemptData; originPathspec: string },
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
    ...('clone' in source ? { originPathspec: source.originPathspec } : {}),
  });
  await store.startAttempt(key, { attempt: 0, startedAt: Date.now(), pid: process.pid, host: os.hostname() });
  let artifacts: Record<string, ArtifactRef> = {};
  if ('clone' in source) artifacts = source.clone.artifacts;
  else {
    for (const [field, value] of Object.entries(source.values)) {
      artifacts[field] = await store.saveArtifact(value, {
        artifact: field,
        pathspec: `${flow}/${runId}/_parameters/0`,
      });
    }
  }
  await store.commitAttempt(
    key,
    { attempt: 0, artifacts, transition: null },
    { attempt: 0, finishedAt: Date.now(), finished: true, successful: true },
  );
  return { ...key, attempt: 0 };
}

export function policies(prepared: PreparedFlow, withSpecs: DecoratorSpec[]): Record<string, StepPolicy> {
  const out: Record<string, StepPolicy> = {};
  for (const s of prepared.graph.steps)
    out[s.name] = stepPolicy(s.name, prepared.decorators[s.name] ?? [], withSpecs);
  return out;
}

export async function launchRun(opts: LaunchOptions): Promise<RunOutcome & { runId: string }> {
  const { prepared } = opts;
  const graph = prepared.graph;
  const out = opts.console ?? new RunConsole();
  const stepPolicies = policies(prepared, opts.withSpecs ?? []); // bad --with values fail before anything is recorded
  const store = openFlowStore(opts.datastoreRoot, graph.name);
  // Batch steps need the S3 datastore and a code package, checked and built before the run exists.
  const batch = await setUpBatch({
    policies: stepPolicies,
    backend: store.backend,
    flow: graph.name,
    file: prepared.file,
  });
  // Task processes boot while the run is being recorded.
  const compute = new LocalCompute({
    workerScript: path.join(runtimeDist(), 'task.cjs'),
    bundle: prepared.bundle.taskPath,
    spare: 1,
    ...(isS3Root(opts.datastoreRoot) ? { env: { TSFLOW_PRELOAD_S3: '1' } } : {}),
  });
  compute.prewarm();

  const user = currentUser();
  const parameterValues = opts.parameters ?? opts.resume?.origin.parameters ?? {};
  let record: RunRecord;
  try {
    record = await store.createRun({
      flow: graph.name,
      file: prepared.file,
      user,
      tags: opts.tags,
      systemTags: [`user:${user}`, `runtime:node${process.versions.node}`, `tsflow:${VERSION}`],
      createdAt: Date.now(),
      parameters: parameterValues,
      host: os.hostname(),
      pid: process.pid,
      ...(opts.resume ? { originRunId: opts.resume.origin.runId } : {}),
    });
  } catch (err) {
    compute.shutdown();
    throw err;
  }
  const runId = record.runId;
  if (opts.runIdFile) fs.writeFileSync(opts.runIdFile, runId);
  const startTicks = processStartTicks();
  const status = (s: RunStatus) =>
    store.writeRunStatus(runId, {
      ...s,
      ...(s.status === 'running' && startTicks !== undefined ? { pidStart: startTicks } : {}),
    });
  await Promise.all([store.writeGraph(runId, graph), status({ status: 'running', heartbeatAt: Date.now() })]);
  out.event(
    opts.resume
      ? `Workflow resuming (run-id ${runId}) from run ${opts.resume.origin.runId}, flow ${graph.name}, datastore ${opts.datastoreRoot}`
      : `Workflow starting (run-id ${runId}), flow ${graph.name}, datastore ${opts.datastoreRoot}`,
  );

  let finished = false;
  const heartbeat = setInterval(() => {
    if (!finished) void status({ status: 'running', heartbeatAt: Date.now() }).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let scheduler: Scheduler | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    out.event(`Received ${sig}: stopping every task; the run will be marked failed.`, 'error');
    // Batch jobs first, so TerminateJob carries this reason.
    void batch?.terminateAll(`tsflow run interrupted by ${sig}`);
    scheduler?.abort(`interrupted by ${sig}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: RunOutcome;
  try {
    const parameters = await writeParameters(
      store,
      runId,
      graph.name,
      opts.resume
        ? {
            clone: opts.resume.parameters,
            originPathspec: `${graph.name}/${opts.resume.origin.runId}/_parameters/0`,
          }
        : { values: parameterValues },
    );
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
      policies: stepPolicies,
      ...(batch ? { batch } : {}),
      ...(opts.resume ? { clone: opts.resume.clone } : {}),
      onTaskSignal: onSignal,
    });
    outcome = await scheduler.run();
  } catch (err) {
    outcome = { status: 'failed', error: (err as Error).message, tasks: 0, cloned: 0 };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    finished = true;
    clearInterval(heartbeat);
    compute.shutdown();
  }
  const final: RunStatus = { status: outcome.status, heartbeatAt: Date.now(), finishedAt: Date.now() };
  if (outcome.error) final.error = outcome.error;
  try {
    await status(final);
  } catch (err) {
    // The datastore is unreachable (S3 down): the outcome is still reported here, and readers
    // see the run as dead once its heartbeat is stale.
    out.event(`could not record how the run ended: ${(err as Error).message}`, 'error');
  }
  const counts = `${outcome.tasks} tasks${outcome.cloned > 0 ? `, ${outcome.cloned} cloned` : ''}`;
  if (outcome.status === 'succeeded')
    out.event(`Done! Run ${graph.name}/${runId} succeeded (${counts}).`, 'success');
  else out.event(`Run ${graph.name}/${runId} failed: ${outcome.error}`, 'error');
  return { ...outcome, runId };
}

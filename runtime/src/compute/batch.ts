// AWS Batch compute: a task of a `@batch` step (or of every step with `--with batch`) is a Batch
// job whose container downloads the run's code package and runs the same task runner against
// the S3 datastore. The scheduler keeps doing everything else: it polls the job, streams its
// CloudWatch log, maps a failed job to a failed attempt (with Batch's reason), retries, times out
// and, on Ctrl-C or another task's failure, terminates the job. Results come back only through
// the datastore.

import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type { StepPolicy } from '../runtime/policy.js';
import type { TaskSpec } from '../runtime/task-spec.js';
import { TASK_NODE_FLAGS } from './task-node-flags.js';
import { BOOTSTRAP } from '../runtime/code-package.js';
import type { LineHandler, TaskExit, TaskHandle } from './types.js';

type BatchSdk = typeof import('@aws-sdk/client-batch');
type LogsSdk = typeof import('@aws-sdk/client-cloudwatch-logs');

export interface BatchSettings {
  /** Poll interval for job states and logs (default 2 s; TSFLOW_BATCH_POLL_MS). */
  pollMs?: number;
  /** Default job queue and image when a step's @batch does not say (TSFLOW_BATCH_QUEUE / TSFLOW_BATCH_IMAGE). */
  queue?: string;
  image?: string;
  region?: string;
}

export interface CodeLocation {
  /** A URL the container can GET the package from (presigned). Made per submission. */
  url(): Promise<string>;
  sha: string;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

function loadSdks(): { batch: BatchSdk; logs: LogsSdk } {
  const req = createRequire(import.meta.url);
  return {
    batch: req('@aws-sdk/client-batch') as BatchSdk,
    logs: req('@aws-sdk/client-cloudwatch-logs') as LogsSdk,
  };
}

interface JobShape {
  queue: string;
  image: string;
  vcpus: number;
  memoryMb: number;
  gpus: number;
  jobRole?: string;
  timeoutSeconds?: number;
}

/** The job's shape from `@batch` and `@resources` (the larger of the two wins, as in Metaflow). */
export function jobShape(policy: StepPolicy, settings: BatchSettings, step: string): JobShape {
  const batch = policy.decorators.find((d) => d.name === 'batch')?.options ?? {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const queue = (batch.queue as string | undefined) ?? settings.queue;
  if (!queue) {
    throw new Error(
      `step '${step}' runs on AWS Batch but no job queue is set: @batch({ queue }) or TSFLOW_BATCH_QUEUE`,
    );
  }
  const shape: JobShape = {
    queue,
    image:
      (batch.image as string | undefined) ?? settings.image ?? `node:${process.versions.node.split('.')[0]}`,
    vcpus: Math.max(num(batch.cpu) ?? 1, policy.resources?.cpu ?? 1),
    memoryMb: Math.max(num(batch.memory) ?? 4096, policy.resources?.memory ?? 0),
    gpus: Math.max(num(batch.gpu) ?? 0, policy.resources?.gpu ?? 0),
  };
  if (typeof batch.jobRole === 'string') shape.jobRole = batch.jobRole;
  // Batch's own limit is the backstop (60 s minimum there); the scheduler's timer is exact.
  if (policy.timeoutMs !== undefined) shape.timeoutSeconds = Math.max(60, Math.ceil(policy.timeoutMs / 1000));
  return shape;
}

export class BatchCompute {
  private readonly sdks = loadSdks();
  private readonly batch: InstanceType<BatchSdk['BatchClient']>;
  private readonly logs: InstanceType<LogsSdk['CloudWatchLogsClient']>;
  private readonly definitions = new Map<string, Promise<string>>();
  private readonly live = new Set<BatchTask>();
  readonly pollMs: number;

  constructor(
    readonly settings: BatchSettings,
    readonly code: CodeLocation,
    /** Environment every container gets (datastore endpoint and region; never credentials). */
    readonly containerEnv: Record<string, string>,
    readonly jobNamePrefix: string,
  ) {
    const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    this.batch = new this.sdks.batch.BatchClient({ region, maxAttempts: 6 });
    this.logs = new this.sdks.logs.CloudWatchLogsClient({ region, maxAttempts: 6 });
    this.pollMs = settings.pollMs ?? (Number(process.env.TSFLOW_BATCH_POLL_MS) || 2000);
  }

  acquire(policy: StepPolicy, step: string): TaskHandle {
    const task = new BatchTask(this, jobShape(policy, this.settings, step), policy.env);
    this.live.add(task);
    void task.exited.then(() => this.live.delete(task));
    return task;
  }

  /** A job definition for this shape, registered once and reused by name afterwards. */
  definition(shape: JobShape): Promise<string> {
    const props = {
      image: shape.image,
      command: ['node', '--version'],
      resourceRequirements: [
        { type: 'VCPU' as const, value: String(shape.vcpus) },
        { type: 'MEMORY' as const, value: String(shape.memoryMb) },
        ...(shape.gpus > 0 ? [{ type: 'GPU' as const, value: String(shape.gpus) }] : []),
      ],
      ...(shape.jobRole ? { jobRoleArn: shape.jobRole } : {}),
    };
    const name = `tsflow-${crypto.createHash('sha224').update(JSON.stringify(props)).digest('hex').slice(0, 40)}`;
    let known = this.definitions.get(name);
    if (!known) {
      known = (async () => {
        const found = await this.batch.send(
          new this.sdks.batch.DescribeJobDefinitionsCommand({ jobDefinitionName: name, status: 'ACTIVE' }),
        );
        const latest = (found.jobDefinitions ?? []).sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0];
        if (latest?.jobDefinitionArn) return latest.jobDefinitionArn;
        const made = await this.batch.send(
          new this.sdks.batch.RegisterJobDefinitionCommand({
            jobDefinitionName: name,
            type: 'container',
            containerProperties: props,
            tags: { 'tsflow:managed': 'true' },
          }),
        );
        if (!made.jobDefinitionArn) throw new Error(`RegisterJobDefinition returned no ARN for ${name}`);
        return made.jobDefinitionArn;
      })();
      known.catch(() => this.definitions.delete(name));
      this.definitions.set(name, known);
    }
    return known;
  }

  async submit(spec: TaskSpec, shape: JobShape, env: Record<string, string>): Promise<string> {
    const definition = await this.definition(shape);
    const environment = Object.entries({
      ...this.containerEnv,
      ...env,
      TSFLOW_CODE_URL: await this.code.url(),
      TSFLOW_CODE_SHA: this.code.sha,
      TSFLOW_TASK_SPEC: JSON.stringify(spec),
    }).map(([name, value]) => ({ name, value }));
    const name = `${this.jobNamePrefix}-${spec.runId}-${spec.step}-${spec.taskId}-${spec.attempt}`
      .replace(/[^A-Za-z0-9_-]/g, '_')
      .slice(0, 128);
    const out = await this.batch.send(
      new this.sdks.batch.SubmitJobCommand({
        jobName: name,
        jobQueue: shape.queue,
        jobDefinition: definition,
        containerOverrides: {
          command: ['node', ...TASK_NODE_FLAGS, '--input-type=module', '-e', BOOTSTRAP],
          environment,
        },
        ...(shape.timeoutSeconds ? { timeout: { attemptDurationSeconds: shape.timeoutSeconds } } : {}),
        tags: {
          'tsflow:run': spec.runId,
          'tsflow:pathspec': `${spec.flow}/${spec.runId}/${spec.step}/${spec.taskId}`,
        },
      }),
    );
    if (!out.jobId) throw new Error('SubmitJob returned no job id');
    return out.jobId;
  }

  async describe(jobId: string) {
    const out = await this.batch.send(new this.sdks.batch.DescribeJobsCommand({ jobs: [jobId] }));
    return out.jobs?.[0];
  }

  async terminate(jobId: string, reason: string): Promise<void> {
    await this.batch.send(new this.sdks.batch.TerminateJobCommand({ jobId, reason: reason.slice(0, 250) }));
  }

  async logEvents(stream: string, token: string | undefined) {
    return this.logs.send(
      new this.sdks.logs.GetLogEventsCommand({
        logGroupName: '/aws/batch/job',
        logStreamName: stream,
        startFromHead: true,
        ...(token ? { nextToken: token } : {}),
      }),
    );
  }

  /** Terminates every job still running (the run is stopping). */
  async terminateAll(reason: string): Promise<void> {
    await Promise.all([...this.live].map((t) => t.stop(reason)));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One attempt as a Batch job. */
class BatchTask implements TaskHandle {
  readonly pid = process.pid;
  readonly exited: Promise<TaskExit>;
  private resolveExit!: (e: TaskExit) => void;
  private jobId: string | undefined;
  private done = false;
  private stopReason: string | undefined;

  constructor(
    private readonly compute: BatchCompute,
    private readonly shape: JobShape,
    private readonly env: Record<string, string>,
  ) {
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  get label(): string {
    return this.jobId ? `batch job ${this.jobId.slice(0, 8)}` : 'batch job';
  }

  get alive(): boolean {
    return !this.done;
  }

  run(spec: TaskSpec, onLine: LineHandler): void {
    void this.follow(spec, onLine).then(
      (exit) => this.end(exit),
      (err: unknown) => {
        onLine('stderr', `AWS Batch: ${(err as Error).message}`, Date.now());
        this.end({ code: 1, signal: null, reason: `AWS Batch: ${(err as Error).message}` });
      },
    );
  }

  private end(exit: TaskExit): void {
    if (this.done) return;
    this.done = true;
    this.resolveExit(exit);
  }

  private async follow(spec: TaskSpec, onLine: LineHandler): Promise<TaskExit> {
    if (this.stopReason) return { code: null, signal: 'SIGTERM', reason: this.stopReason };
    this.jobId = await this.compute.submit(spec, this.shape, this.env);
    onLine('stdout', `[AWS Batch] submitted job ${this.jobId} to queue ${this.shape.queue}`, Date.now());
    if (this.stopReason) await this.compute.terminate(this.jobId, this.stopReason).catch(() => {});
    let status = '';
    let token: string | undefined;
    let stream: string | undefined;
    const drain = async () => {
      if (!stream) return;
      for (;;) {
        const page = await this.compute.logEvents(stream, token).catch(() => undefined);
        if (!page) return;
        for (const e of page.events ?? []) onLine('stdout', e.message ?? '', e.timestamp ?? Date.now());
        if (!page.nextForwardToken || page.nextForwardToken === token || (page.events ?? []).length === 0) {
          token = page.nextForwardToken ?? token;
          return;
        }
        token = page.nextForwardToken;
      }
    };
    for (;;) {
      const job = await this.compute.describe(this.jobId);
      if (!job) throw new Error(`job ${this.jobId} is gone`);
      if (job.status && job.status !== status) {
        status = job.status;
        if (!TERMINAL.has(status)) onLine('stdout', `[AWS Batch] job ${this.jobId} is ${status}`, Date.now());
      }
      stream = job.container?.logStreamName ?? stream;
      await drain();
      if (job.status && TERMINAL.has(job.status)) {
        await drain();
        if (job.status === 'SUCCEEDED') return { code: job.container?.exitCode ?? 0, signal: null };
        const why = [job.statusReason, job.container?.reason].filter(Boolean).join(': ') || 'failed';
        return {
          code: job.container?.exitCode ?? null,
          signal: null,
          reason: `AWS Batch job ${this.jobId} failed: ${why}${job.container?.exitCode !== undefined ? ` (exit code ${job.container.exitCode})` : ''}`,
        };
      }
      await sleep(this.compute.pollMs);
    }
  }

  kill(): void {
    void this.stop('stopped by tsflow');
  }

  async stop(reason: string): Promise<void> {
    this.stopReason ??= reason;
    if (this.jobId && !this.done) await this.compute.terminate(this.jobId, reason).catch(() => {});
  }
}

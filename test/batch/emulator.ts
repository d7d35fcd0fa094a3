// An AWS Batch + CloudWatch Logs emulator for tests. AWS Batch cannot run on these machines, so
// this HTTP server speaks the two services' real wire protocols (Batch: REST-JSON under /v1/...;
// CloudWatch Logs: JSON 1.1 with X-Amz-Target) to the real SDK clients, and runs each job's
// container command as a local process with the job's environment. Everything the runtime
// does against Batch (register/describe job definitions, submit, poll, read logs, terminate,
// attempt timeouts) is exercised through real requests, real request signing included.

import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type JobStatus = 'SUBMITTED' | 'PENDING' | 'RUNNABLE' | 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

interface KeyValue {
  name: string;
  value: string;
}

interface JobDefinition {
  jobDefinitionName: string;
  jobDefinitionArn: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  type: string;
  containerProperties: {
    image?: string;
    command?: string[];
    environment?: KeyValue[];
    resourceRequirements?: { type: string; value: string }[];
    jobRoleArn?: string;
  };
  timeout?: { attemptDurationSeconds?: number };
  tags?: Record<string, string>;
}

interface Job {
  jobId: string;
  jobArn: string;
  jobName: string;
  jobQueue: string;
  jobDefinition: string;
  status: JobStatus;
  statusReason?: string;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  command: string[];
  environment: KeyValue[];
  resourceRequirements: { type: string; value: string }[];
  attemptDurationSeconds?: number;
  exitCode?: number;
  reason?: string;
  logStreamName: string;
  process?: ChildProcess;
  timer?: NodeJS.Timeout;
}

interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface EmulatorOptions {
  /** Delay before a submitted job starts running (Batch queues never start at once). */
  startDelayMs?: number;
  /** Extra environment for every job process (e.g. PATH). */
  env?: NodeJS.ProcessEnv;
}

export class BatchEmulator {
  readonly jobs = new Map<string, Job>();
  readonly definitions: JobDefinition[] = [];
  readonly logs = new Map<string, LogEvent[]>();
  /** Every request the emulator answered: `Service.Operation`, in order. */
  readonly calls: string[] = [];
  /** True once every request so far carried an AWS SigV4 Authorization header. */
  signedRequests = true;
  private server: http.Server | undefined;

  constructor(private readonly opts: EmulatorOptions = {}) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => {
        body += d;
      });
      req.on('end', () => {
        if (!/^AWS4-HMAC-SHA256 Credential=/.test(req.headers.authorization ?? ''))
          this.signedRequests = false;
        try {
          const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
          const target = req.headers['x-amz-target'];
          const [status, out] =
            typeof target === 'string' ? this.logsApi(target, input) : this.batchApi(req.url ?? '', input);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out));
        } catch (err) {
          res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ClientException' });
          res.end(JSON.stringify({ __type: 'ClientException', message: (err as Error).message }));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const job of this.jobs.values()) job.process?.kill('SIGKILL');
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Simulates the job's host going away (a spot reclaim): the process dies, the job fails with the reason. */
  killJob(jobId: string, reason = 'Host EC2 (instance i-0emulated) terminated.'): void {
    const job = this.jobs.get(jobId);
    if (!job?.process) throw new Error(`no running job ${jobId}`);
    this.finish(job, 'FAILED', reason);
    job.process.kill('SIGKILL');
  }

  running(): Job[] {
    return [...this.jobs.values()].filter((j) => j.status === 'RUNNING');
  }

  // ---- AWS Batch (REST-JSON) ----

  private batchApi(url: string, input: Record<string, unknown>): [number, unknown] {
    const op = url.replace(/\?.*$/, '').replace(/^\/v1\//, '');
    this.calls.push(`Batch.${op}`);
    switch (op) {
      case 'registerjobdefinition':
        return [200, this.register(input)];
      case 'describejobdefinitions':
        return [200, this.describeDefinitions(input)];
      case 'submitjob':
        return [200, this.submit(input)];
      case 'describejobs':
        return [200, { jobs: ((input.jobs as string[]) ?? []).flatMap((id) => this.describe(id)) }];
      case 'terminatejob':
        return [200, this.terminate(input)];
      default:
        return [404, { __type: 'ClientException', message: `the emulator does not implement ${op}` }];
    }
  }

  private register(input: Record<string, unknown>): unknown {
    const name = String(input.jobDefinitionName);
    const revision = this.definitions.filter((d) => d.jobDefinitionName === name).length + 1;
    const def: JobDefinition = {
      jobDefinitionName: name,
      jobDefinitionArn: `arn:aws:batch:us-east-1:000000000000:job-definition/${name}:${revision}`,
      revision,
      status: 'ACTIVE',
      type: String(input.type ?? 'container'),
      containerProperties: (input.containerProperties as JobDefinition['containerProperties']) ?? {},
      ...(input.timeout ? { timeout: input.timeout as JobDefinition['timeout'] } : {}),
      ...(input.tags ? { tags: input.tags as Record<string, string> } : {}),
    };
    this.definitions.push(def);
    return { jobDefinitionName: name, jobDefinitionArn: def.jobDefinitionArn, revision };
  }

  private describeDefinitions(input: Record<string, unknown>): unknown {
    let defs = this.definitions;
    if (typeof input.jobDefinitionName === 'string')
      defs = defs.filter((d) => d.jobDefinitionName === input.jobDefinitionName);
    if (Array.isArray(input.jobDefinitions)) {
      const wanted = new Set(input.jobDefinitions as string[]);
      defs = defs.filter(
        (d) =>
          wanted.has(d.jobDefinitionArn) ||
          wanted.has(`${d.jobDefinitionName}:${d.revision}`) ||
          wanted.has(d.jobDefinitionName),
      );
    }
    if (typeof input.status === 'string') defs = defs.filter((d) => d.status === input.status);
    return { jobDefinitions: defs };
  }

  private findDefinition(ref: string): JobDefinition {
    const def = [...this.definitions]
      .reverse()
      .find(
        (d) =>
          d.jobDefinitionArn === ref ||
          `${d.jobDefinitionName}:${d.revision}` === ref ||
          d.jobDefinitionName === ref,
      );
    if (!def) throw new Error(`job definition ${ref} does not exist`);
    return def;
  }

  private submit(input: Record<string, unknown>): unknown {
    const def = this.findDefinition(String(input.jobDefinition));
    const overrides = (input.containerOverrides as Partial<JobDefinition['containerProperties']>) ?? {};
    const command = overrides.command ?? def.containerProperties.command;
    if (!command || command.length === 0) throw new Error('the job has no command');
    const jobId = crypto.randomUUID();
    const attemptDurationSeconds =
      (input.timeout as { attemptDurationSeconds?: number } | undefined)?.attemptDurationSeconds ??
      def.timeout?.attemptDurationSeconds;
    const env = new Map<string, string>();
    for (const kv of [...(def.containerProperties.environment ?? []), ...(overrides.environment ?? [])])
      env.set(kv.name, kv.value);
    const job: Job = {
      jobId,
      jobArn: `arn:aws:batch:us-east-1:000000000000:job/${jobId}`,
      jobName: String(input.jobName),
      jobQueue: String(input.jobQueue),
      jobDefinition: def.jobDefinitionArn,
      status: 'SUBMITTED',
      createdAt: Date.now(),
      command,
      environment: [...env].map(([name, value]) => ({ name, value })),
      resourceRequirements:
        overrides.resourceRequirements ?? def.containerProperties.resourceRequirements ?? [],
      ...(attemptDurationSeconds !== undefined ? { attemptDurationSeconds } : {}),
      logStreamName: `${def.jobDefinitionName}/default/${jobId.replace(/-/g, '')}`,
    };
    this.jobs.set(jobId, job);
    setTimeout(() => this.run(job), this.opts.startDelayMs ?? 30).unref();
    return { jobArn: job.jobArn, jobName: job.jobName, jobId };
  }

  private run(job: Job): void {
    if (job.status !== 'SUBMITTED') return; // terminated while queued
    job.status = 'RUNNING';
    job.startedAt = Date.now();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...this.opts.env,
    };
    for (const kv of job.environment) env[kv.name] = kv.value;
    env.AWS_BATCH_JOB_ID = job.jobId;
    const [cmd, ...args] = job.command;
    const child = spawn(cmd!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    job.process = child;
    const events: LogEvent[] = [];
    this.logs.set(job.logStreamName, events);
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        const lines = (partial + d).split('\n');
        partial = lines.pop() ?? '';
        const now = Date.now();
        for (const message of lines) events.push({ timestamp: now, message, ingestionTime: now });
      });
    }
    if (job.attemptDurationSeconds) {
      job.timer = setTimeout(() => {
        if (job.status !== 'RUNNING') return;
        this.finish(job, 'FAILED', 'Job attempt duration exceeded timeout');
        child.kill('SIGKILL');
      }, job.attemptDurationSeconds * 1000);
      job.timer.unref();
    }
    child.on('error', (err) => {
      job.reason = `CannotStartContainerError: ${err.message}`;
      this.finish(job, 'FAILED', 'Essential container in task exited');
    });
    child.on('close', (code, signal) => {
      if (job.status !== 'RUNNING') return;
      job.exitCode = code ?? 137;
      if (signal) job.reason = `killed by ${signal}`;
      this.finish(
        job,
        code === 0 ? 'SUCCEEDED' : 'FAILED',
        code === 0 ? undefined : 'Essential container in task exited',
      );
    });
  }

  private finish(job: Job, status: 'SUCCEEDED' | 'FAILED', reason?: string): void {
    job.status = status;
    job.stoppedAt = Date.now();
    if (reason) job.statusReason = reason;
    if (job.timer) clearTimeout(job.timer);
  }

  private describe(id: string): unknown[] {
    const job = this.jobs.get(id);
    if (!job) return [];
    const container = {
      image: 'emulated',
      command: job.command,
      environment: job.environment,
      resourceRequirements: job.resourceRequirements,
      logStreamName: job.logStreamName,
      ...(job.exitCode !== undefined ? { exitCode: job.exitCode } : {}),
      ...(job.reason ? { reason: job.reason } : {}),
    };
    return [
      {
        jobArn: job.jobArn,
        jobName: job.jobName,
        jobId: job.jobId,
        jobQueue: job.jobQueue,
        status: job.status,
        ...(job.statusReason ? { statusReason: job.statusReason } : {}),
        createdAt: job.createdAt,
        ...(job.startedAt ? { startedAt: job.startedAt } : {}),
        ...(job.stoppedAt ? { stoppedAt: job.stoppedAt } : {}),
        jobDefinition: job.jobDefinition,
        container,
        attempts:
          job.status === 'SUCCEEDED' || job.status === 'FAILED'
            ? [
                {
                  container,
                  startedAt: job.startedAt,
                  stoppedAt: job.stoppedAt,
                  statusReason: job.statusReason,
                },
              ]
            : [],
        ...(job.attemptDurationSeconds
          ? { timeout: { attemptDurationSeconds: job.attemptDurationSeconds } }
          : {}),
      },
    ];
  }

  private terminate(input: Record<string, unknown>): unknown {
    const job = this.jobs.get(String(input.jobId));
    if (!job) throw new Error(`job ${String(input.jobId)} does not exist`);
    if (job.status === 'SUCCEEDED' || job.status === 'FAILED') return {};
    this.finish(job, 'FAILED', String(input.reason ?? 'Terminated'));
    job.process?.kill('SIGKILL');
    return {};
  }

  // ---- CloudWatch Logs (JSON 1.1) ----

  private logsApi(target: string, input: Record<string, unknown>): [number, unknown] {
    const op = target.replace(/^Logs_\d+\./, '');
    this.calls.push(`Logs.${op}`);
    if (op !== 'GetLogEvents') {
      return [400, { __type: 'InvalidOperationException', message: `the emulator does not implement ${op}` }];
    }
    const events = this.logs.get(String(input.logStreamName));
    if (!events)
      return [
        400,
        { __type: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' },
      ];
    const token = typeof input.nextToken === 'string' ? input.nextToken : 'f/0';
    const from = Number(token.slice(2)) || 0;
    const limit = Number(input.limit ?? 10_000);
    const page = events.slice(from, from + limit);
    const next = `f/${from + page.length}`;
    return [200, { events: page, nextForwardToken: next, nextBackwardToken: `b/${from}` }];
  }
}

// Local compute: every task is its own OS process (`node task.cjs <bundle>`). Processes are
// started ahead of need ("warm") so that a task's start does not wait for Node to boot; each
// still runs exactly one task, so a crashing step never takes another task or the scheduler down.

import { type ChildProcess, spawn } from 'node:child_process';
import type { LogStream } from '../datastore/types.js';
import { deferExtraCaEnv } from '../runtime/extra-ca.js';
import type { TaskSpec } from '../runtime/task-spec.js';
import { TASK_NODE_FLAGS } from './task-node-flags.js';
import type { LineHandler, TaskExit, TaskHandle } from './types.js';

export interface LocalComputeOptions {
  /** Absolute path of the runtime's task entry point (`task.cjs`). */
  workerScript: string;
  /** Absolute path of the flow bundle every worker imports. */
  bundle: string;
  /** Extra environment for every task process. */
  env?: NodeJS.ProcessEnv;
  /** How many idle processes to keep ready while there is work (default 1). */
  spare?: number;
}

export type { LineHandler, TaskExit } from './types.js';

/** One task process. Output lines before `run()` (e.g. from the flow module's top level) are kept for the task. */
export class TaskProcess implements TaskHandle {
  readonly pid: number;
  readonly exited: Promise<TaskExit>;
  private handler: LineHandler | undefined;
  private readonly early: [LogStream, string, number][] = [];
  private readonly partial: Record<LogStream, string> = { stdout: '', stderr: '' };
  private exitInfo: TaskExit | undefined;

  constructor(private readonly child: ChildProcess) {
    this.pid = child.pid ?? -1;
    for (const stream of ['stdout', 'stderr'] as const) {
      const s = child[stream];
      s?.setEncoding('utf8');
      s?.on('data', (chunk: string) => this.onData(stream, chunk));
    }
    this.exited = new Promise((resolve) => {
      // 'close' (not 'exit') so that every byte of output has been read.
      child.on('close', (code, signal) => {
        for (const stream of ['stdout', 'stderr'] as const) {
          if (this.partial[stream]) this.emit(stream, this.partial[stream], Date.now());
          this.partial[stream] = '';
        }
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      child.on('error', (err) => {
        this.emit('stderr', `failed to start the task process: ${err.message}`, Date.now());
      });
    });
  }

  get label(): string {
    return `pid ${this.pid}`;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  run(spec: TaskSpec, onLine: LineHandler): void {
    this.handler = onLine;
    for (const [s, t, ts] of this.early.splice(0)) onLine(s, t, ts);
    const stdin = this.child.stdin;
    if (!stdin) throw new Error('task process has no stdin');
    stdin.on('error', (err) => {
      this.emit('stderr', `could not hand the task to process ${this.pid}: ${err.message}`, Date.now());
    });
    stdin.end(`${JSON.stringify(spec)}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** Lets an idle process go: it reads EOF instead of a task and exits by itself. */
  release(): void {
    this.child.stdin?.end();
  }

  private onData(stream: LogStream, chunk: string): void {
    const ts = Date.now();
    const text = this.partial[stream] + chunk;
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.emit(stream, line.endsWith('\r') ? line.slice(0, -1) : line, ts);
  }

  private emit(stream: LogStream, text: string, ts: number): void {
    if (this.handler) this.handler(stream, text, ts);
    else this.early.push([stream, text, ts]);
  }
}

export class LocalCompute {
  private readonly warm: TaskProcess[] = [];
  private readonly spare: number;
  /** Extra Node flags for task processes, e.g. `--cpu-prof` (which NODE_OPTIONS refuses). */
  private readonly nodeArgs: string[];
  private prewarmQueued = false;
  private stopped = false;

  constructor(private readonly opts: LocalComputeOptions) {
    this.spare = opts.spare ?? 1;
    this.nodeArgs = (process.env.TSFLOW_TASK_NODE_ARGS ?? '').split(' ').filter(Boolean);
  }

  private spawnOne(extraEnv: Record<string, string> = {}): TaskProcess {
    const args = [...TASK_NODE_FLAGS, ...this.nodeArgs, this.opts.workerScript, this.opts.bundle];
    const child = spawn(process.execPath, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: deferExtraCaEnv({ ...process.env, ...this.opts.env, ...extraEnv }),
    });
    const proc = new TaskProcess(child);
    // A warm process that dies before it gets a task (e.g. the machine is out of memory) is dropped.
    void proc.exited.then(() => {
      const i = this.warm.indexOf(proc);
      if (i >= 0) this.warm.splice(i, 1);
    });
    return proc;
  }

  /** Starts idle processes up to the spare count. */
  prewarm(count = this.spare): void {
    while (!this.stopped && this.warm.length < count) this.warm.push(this.spawnOne());
  }

  /**
   * A process for the next task: a warm one if any, keeping `spare` more warm if `moreComing`.
   * The replacement starts once the caller has handed its task over (next turn of the event loop):
   * spawn() blocks this thread until the child has exec'd, a few milliseconds the task would
   * otherwise wait for.
   */
  acquire(moreComing: boolean, env: Record<string, string> = {}): TaskProcess {
    if (moreComing && !this.prewarmQueued) {
      this.prewarmQueued = true;
      setImmediate(() => {
        this.prewarmQueued = false;
        this.prewarm();
      });
    }
    // A task with its own environment (@environment) needs a process started with it.
    if (Object.keys(env).length > 0) return this.spawnOne(env);
    let proc = this.warm.shift();
    while (proc && !proc.alive) proc = this.warm.shift();
    return proc ?? this.spawnOne();
  }

  /** Stops the idle processes (the run is over or failing); none is started after this. */
  shutdown(): void {
    this.stopped = true;
    for (const p of this.warm.splice(0)) p.kill('SIGKILL');
  }
}

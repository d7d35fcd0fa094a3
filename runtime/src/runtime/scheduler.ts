// The local scheduler: follows what each finished task actually did (its recorded transition)
// through the static graph, starts successors as soon as their inputs exist, at most
// `maxWorkers` task processes at once. The first failing task fails the run; the others are
// stopped (SIGTERM, then SIGKILL after a grace period) and their attempts committed as failed.

import os from 'node:os';
import type {
  AttemptView,
  BranchFrame,
  FlowStore,
  ForeachFrame,
  LogLine,
  LogStream,
  TakenTransition,
  TaskKey,
} from '../datastore/types.js';
import type { FlowGraph, StepNode } from '../graph/types.js';
import type { LocalCompute, TaskProcess } from '../compute/local.js';
import type { RunConsole } from './console.js';
import type { ParentRef, TaskSpec } from './task-spec.js';

export interface SchedulerOptions {
  store: FlowStore;
  graph: FlowGraph;
  flowClass: string;
  runId: string;
  datastoreRoot: string;
  maxWorkers: number;
  maxNumSplits: number;
  compute: LocalCompute;
  console: RunConsole;
  /** The run's `_parameters/0` task. */
  parameters: ParentRef;
  /** Grace period between SIGTERM and SIGKILL when stopping tasks. */
  killGraceMs?: number;
}

interface PendingTask {
  step: string;
  parents: ParentRef[];
  foreachStack: ForeachFrame[];
  branchStack: BranchFrame[];
  iteration: number;
}

interface RunningTask extends PendingTask {
  taskId: string;
  attempt: number;
  proc?: TaskProcess;
  logs: Record<LogStream, LogLine[]>;
  flushing: Promise<void>;
  stoppedBecause?: string;
}

interface JoinWait {
  expected: number;
  /** order → parent, where order is the branch index or the foreach split index. */
  arrived: Map<number, ParentRef>;
  foreachStack: ForeachFrame[];
  branchStack: BranchFrame[];
}

export interface RunOutcome {
  status: 'succeeded' | 'failed';
  error?: string;
  tasks: number;
}

const LOG_FLUSH_MS = 200;

export class Scheduler {
  private readonly nodes = new Map<string, StepNode>();
  private readonly queue: PendingTask[] = [];
  private readonly running = new Map<string, RunningTask>();
  private readonly joins = new Map<string, JoinWait>();
  private nextTaskId = 1;
  private failure: string | undefined;
  private endSucceeded = false;
  private completed = false;
  private readonly stepsRecorded = new Set<string>();
  private finish!: (o: RunOutcome) => void;
  private readonly flushTimer: NodeJS.Timeout;

  constructor(private readonly opts: SchedulerOptions) {
    for (const n of opts.graph.steps) this.nodes.set(n.name, n);
    this.flushTimer = setInterval(() => this.flushAll(), LOG_FLUSH_MS);
    this.flushTimer.unref();
  }

  private node(step: string): StepNode {
    const n = this.nodes.get(step);
    if (!n) throw new Error(`step '${step}' is not in the graph of ${this.opts.graph.name}`);
    return n;
  }

  private who(t: { step: string; taskId: string }): string {
    return `${this.opts.runId}/${t.step}/${t.taskId}`;
  }

  /** Runs the flow from its start step until the end step finishes or a task fails. */
  run(): Promise<RunOutcome> {
    const start = this.opts.graph.start;
    const done = new Promise<RunOutcome>((resolve) => {
      this.finish = resolve;
    });
    if (!start) {
      this.finish({ status: 'failed', error: 'the flow has no start step', tasks: 0 });
      return done;
    }
    this.queue.push({
      step: start,
      parents: [this.opts.parameters],
      foreachStack: [],
      branchStack: [],
      iteration: 0,
    });
    this.pump();
    return done;
  }

  /** Stops the run from outside (Ctrl-C): every task is stopped and the run fails. */
  abort(reason: string): void {
    this.fail(reason);
  }

  private pump(): void {
    while (!this.failure && this.queue.length > 0 && this.running.size < this.opts.maxWorkers) {
      const task = this.queue.shift()!;
      void this.launch(task);
    }
    if (this.running.size === 0 && (this.queue.length === 0 || this.failure)) this.complete();
  }

  private complete(): void {
    if (this.completed) return;
    this.completed = true;
    clearInterval(this.flushTimer);
    this.opts.compute.shutdown();
    const tasks = this.nextTaskId - 1;
    if (this.failure) this.finish({ status: 'failed', error: this.failure, tasks });
    else if (!this.endSucceeded) {
      this.finish({ status: 'failed', error: 'the run stopped before reaching the end step', tasks });
    } else this.finish({ status: 'succeeded', tasks });
  }

  private async launch(p: PendingTask): Promise<void> {
    const taskId = String(this.nextTaskId++);
    const task: RunningTask = {
      ...p,
      taskId,
      attempt: 0,
      logs: { stdout: [], stderr: [] },
      flushing: Promise.resolve(),
    };
    this.running.set(taskId, task);
    const { store, runId } = this.opts;
    const key: TaskKey = { runId, step: p.step, taskId };
    try {
      if (!this.stepsRecorded.has(p.step)) {
        this.stepsRecorded.add(p.step);
        await store.writeStepRecord(runId, { step: p.step, createdAt: Date.now() });
      }
      await store.writeTaskRecord({
        flow: this.opts.graph.name,
        runId,
        step: p.step,
        taskId,
        createdAt: Date.now(),
        parents: p.parents.map((x) => `${this.opts.graph.name}/${x.runId}/${x.step}/${x.taskId}`),
        foreachStack: p.foreachStack,
        branchStack: p.branchStack,
        ...(p.iteration > 0 ? { iteration: p.iteration } : {}),
      });
    } catch (err) {
      this.running.delete(taskId);
      this.fail(`could not record task ${this.who(key)}: ${(err as Error).message}`);
      this.pump();
      return;
    }
    if (this.failure) {
      this.running.delete(taskId);
      this.pump();
      return;
    }
    const spec: TaskSpec = {
      datastoreRoot: this.opts.datastoreRoot,
      flow: this.opts.graph.name,
      flowClass: this.opts.flowClass,
      runId,
      step: p.step,
      taskId,
      attempt: task.attempt,
      parents: p.parents,
      parameters: this.opts.parameters,
      foreachStack: p.foreachStack,
      node: this.node(p.step),
      maxNumSplits: this.opts.maxNumSplits,
    };
    const who = this.who(key);
    const moreComing = this.queue.length > 0 || this.running.size > 1 || this.node(p.step).kind !== 'end';
    const proc = this.opts.compute.acquire(moreComing);
    task.proc = proc;
    // The attempt is on record before the process learns its task, so even a process that dies
    // at once leaves an attempt that readers can see failed.
    await store.startAttempt(key, {
      attempt: task.attempt,
      startedAt: Date.now(),
      pid: proc.pid,
      host: os.hostname(),
    });
    proc.run(spec, (stream, text, ts) => {
      task.logs[stream].push({ ts, text });
      this.opts.console.task(who, proc.pid, text, { stream, ts });
    });
    this.opts.console.task(who, proc.pid, 'Task is starting.');
    const exit = await proc.exited;
    await this.flush(task);
    await this.finished(task, key, exit.code, exit.signal);
  }

  private async finished(
    task: RunningTask,
    key: TaskKey,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Promise<void> {
    const { store } = this.opts;
    const who = this.who(key);
    const pid = task.proc?.pid ?? -1;
    let view: AttemptView | null = null;
    try {
      view = await store.readAttempt(key, task.attempt);
      if (!view?.done) {
        // The process died without committing (crash, process.exit, a signal): commit for it.
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const message = task.stoppedBecause ?? `the task process ${how} before the step finished`;
        await store.commitAttempt(key, null, {
          attempt: task.attempt,
          finishedAt: Date.now(),
          finished: false,
          successful: false,
          exitCode: code,
          signal,
          error: { name: 'TaskProcessError', message },
        });
        view = await store.readAttempt(key, task.attempt);
      }
    } catch (err) {
      this.opts.console.task(who, pid, `could not read the task's result: ${(err as Error).message}`, {
        kind: 'error',
        stream: 'stderr',
      });
    }
    this.running.delete(task.taskId);
    const done = view?.done;
    if (done?.finished && code === 0) {
      this.opts.console.task(who, pid, 'Task finished successfully.', { kind: 'success' });
      try {
        this.follow(task, view?.data?.transition ?? null);
      } catch (err) {
        this.fail(`${who}: ${(err as Error).message}`);
      }
    } else if (task.stoppedBecause) {
      this.opts.console.task(who, pid, `Task stopped: ${task.stoppedBecause}`, {
        kind: 'error',
        stream: 'stderr',
      });
    } else {
      const why = done?.error?.message ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
      this.opts.console.task(who, pid, `Task failed: ${why}`, { kind: 'error', stream: 'stderr' });
      this.fail(`task ${this.opts.graph.name}/${who} failed: ${why}`);
    }
    this.pump();
  }

  /** Queues what comes after a successful task, or parks it at a join until its siblings arrive. */
  private follow(task: RunningTask, tr: TakenTransition | null): void {
    const node = this.node(task.step);
    if (node.isEnd || tr === null) {
      if (node.isEnd) this.endSucceeded = true;
      else throw new Error(`step '${task.step}' recorded no transition`);
      return;
    }
    const self: ParentRef = {
      runId: this.opts.runId,
      step: task.step,
      taskId: task.taskId,
      attempt: task.attempt,
    };
    if (tr.foreach) {
      const target = tr.next[0]!;
      const { numSplits } = tr.foreach;
      if (numSplits > this.opts.maxNumSplits) {
        throw new Error(
          `foreach would start ${numSplits} tasks, more than --max-num-splits ${this.opts.maxNumSplits}`,
        );
      }
      for (let index = 0; index < numSplits; index++) {
        const frame: ForeachFrame = {
          step: task.step,
          var: tr.foreach.var,
          numSplits,
          index,
          taskId: task.taskId,
        };
        const label = tr.foreach.labels?.[index];
        if (label !== undefined) frame.label = label;
        this.toStep(target, self, [...task.foreachStack, frame], task.branchStack, 0);
      }
      return;
    }
    const isStaticSplit = tr.next.length > 1 || node.kind === 'split-static';
    tr.next.forEach((target, branch) => {
      const branchStack = isStaticSplit
        ? [...task.branchStack, { step: task.step, branch }]
        : task.branchStack;
      const iteration = target === task.step ? task.iteration + 1 : 0;
      this.toStep(target, self, task.foreachStack, branchStack, iteration);
    });
  }

  private toStep(
    target: string,
    parent: ParentRef,
    foreachStack: ForeachFrame[],
    branchStack: BranchFrame[],
    iteration: number,
  ): void {
    const node = this.node(target);
    if (node.kind !== 'join') {
      this.queue.push({ step: target, parents: [parent], foreachStack, branchStack, iteration });
      return;
    }
    const split = node.matchingSplit ? this.node(node.matchingSplit) : undefined;
    if (!split) throw new Error(`join '${target}' closes no split in the static graph`);
    let key: string;
    let order: number;
    let wait: Omit<JoinWait, 'arrived'>;
    if (split.kind === 'split-foreach') {
      const top = foreachStack[foreachStack.length - 1];
      if (!top || top.step !== split.name) {
        throw new Error(
          `join '${target}' expects the foreach of '${split.name}', but its input is not inside it`,
        );
      }
      const outer = foreachStack.slice(0, -1);
      key = JSON.stringify([target, outer, branchStack]);
      order = top.index;
      wait = { expected: top.numSplits, foreachStack: outer, branchStack };
    } else {
      const top = branchStack[branchStack.length - 1];
      if (!top || top.step !== split.name) {
        throw new Error(`join '${target}' expects a branch of '${split.name}', but its input is not on one`);
      }
      const outer = branchStack.slice(0, -1);
      key = JSON.stringify([target, foreachStack, outer]);
      order = top.branch;
      wait = { expected: new Set(split.next).size, foreachStack, branchStack: outer };
    }
    let w = this.joins.get(key);
    if (!w) {
      w = { ...wait, arrived: new Map() };
      this.joins.set(key, w);
    }
    w.arrived.set(order, parent);
    if (w.arrived.size === w.expected) {
      this.joins.delete(key);
      const parents = [...w.arrived.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
      this.queue.push({
        step: target,
        parents,
        foreachStack: w.foreachStack,
        branchStack: w.branchStack,
        iteration: 0,
      });
    }
  }

  /** Marks the run failed (once) and stops every running task. */
  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.queue.length = 0;
    this.opts.compute.shutdown();
    const grace = this.opts.killGraceMs ?? 5000;
    for (const t of this.running.values()) {
      t.stoppedBecause = `stopped by the scheduler: ${reason}`;
      t.proc?.kill('SIGTERM');
      const timer = setTimeout(() => t.proc?.kill('SIGKILL'), grace);
      timer.unref();
      void t.proc?.exited.then(() => clearTimeout(timer));
    }
  }

  private flushAll(): void {
    for (const t of this.running.values()) void this.flush(t);
  }

  /** Appends buffered log lines to the attempt's logs (serialized per task so lines stay in order). */
  private flush(task: RunningTask): Promise<void> {
    task.flushing = task.flushing.then(async () => {
      const key = { runId: this.opts.runId, step: task.step, taskId: task.taskId };
      for (const stream of ['stdout', 'stderr'] as const) {
        const lines = task.logs[stream].splice(0);
        if (lines.length > 0) {
          try {
            await this.opts.store.appendLog(key, task.attempt, stream, lines);
          } catch (err) {
            this.opts.console.event(
              `could not save the ${stream} of ${this.who(key)}: ${(err as Error).message}`,
              'error',
            );
          }
        }
      }
    });
    return task.flushing;
  }
}

// The local scheduler: follows what each finished task actually did (its recorded transition)
// through the static graph, starts successors as soon as their inputs exist, at most
// `maxWorkers` task processes at once. The first failing task fails the run; the others are
// stopped (SIGTERM, then SIGKILL after a grace period) and their attempts committed as failed.

import os from 'node:os';
import type {
  ArtifactRef,
  AttemptData,
  AttemptDone,
  AttemptView,
  BranchFrame,
  SerializedError,
  FlowStore,
  ForeachFrame,
  LogLine,
  LogStream,
  TakenTransition,
  TaskKey,
} from '../datastore/types.js';
import type { FlowGraph, StepNode } from '../graph/types.js';
import type { BatchCompute } from '../compute/batch.js';
import type { LocalCompute } from '../compute/local.js';
import type { TaskHandle } from '../compute/types.js';
import type { RunConsole } from './console.js';
import type { StepPolicy } from './policy.js';
import type { ParentRef, TaskSpec } from './task-spec.js';
import { commitIfUncommitted } from './uncommitted.js';

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
  /** Per step: retries, catch, timeout, environment (steps without one get the defaults). */
  policies: Record<string, StepPolicy>;
  /** Runs the tasks of `@batch` steps (absent when no step needs it). */
  batch?: BatchCompute;
  /** For resume: the origin run's tasks that may be cloned instead of run. */
  clone?: CloneSource;
  /** Grace period between SIGTERM and SIGKILL when stopping tasks. */
  killGraceMs?: number;
  /**
   * A task process was killed by SIGINT or SIGTERM that the scheduler did not send: Ctrl-C reaches
   * the terminal's whole process group, tasks included, and a task can die of it before the
   * scheduler's own handler has run. Called (once the scheduler has had a moment to handle the
   * signal itself and has not) so that the run stops as an interruption, not a task failure.
   */
  onTaskSignal?: (signal: NodeJS.Signals) => void;
}

/** How long a task's death by an interrupting signal waits for the scheduler's own handler. */
const INTERRUPT_SETTLE_MS = 100;

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
  proc?: TaskHandle;
  logs: Record<LogStream, LogLine[]>;
  flushing: Promise<void>;
  stoppedBecause?: string;
  timedOut?: boolean;
  /** Counts against --max-workers (clones do not: they start no process). */
  usesWorker: boolean;
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
  cloned: number;
}

/** A successful task of the origin run of a resume. */
export interface OriginTask {
  runId: string;
  step: string;
  taskId: string;
  data: AttemptData;
  done: AttemptDone;
}

/** What `resume` may clone instead of running. */
export interface CloneSource {
  runId: string;
  /** Successful origin tasks by `taskIndexKey`. */
  byIndex: Map<string, OriginTask>;
  /** Steps that run again even where the origin succeeded (the resume step and what follows). */
  rerun: Set<string>;
}

/**
 * A task's place in a run, the same in the origin and the resumed run: its step, the foreach
 * indices and static branches around it, and its switch-loop iteration.
 */
export function taskIndexKey(t: {
  step: string;
  foreachStack: ForeachFrame[];
  branchStack: BranchFrame[];
  iteration?: number;
}): string {
  const fe = t.foreachStack.map((f) => `${f.step}:${f.index}`).join(',');
  const br = t.branchStack.map((b) => `${b.step}:${b.branch}`).join(',');
  return `${t.step}|${fe}|${br}|${t.iteration ?? 0}`;
}

const LOG_FLUSH_MS = 200;

export class Scheduler {
  private readonly nodes = new Map<string, StepNode>();
  private readonly queue: PendingTask[] = [];
  private readonly running = new Map<string, RunningTask>();
  private readonly joins = new Map<string, JoinWait>();
  private readonly cloned = new Set<string>();
  private readonly sleepers = new Set<() => void>();
  private nextTaskId = 1;
  private workersBusy = 0;
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

  private policy(step: string): StepPolicy {
    return this.opts.policies[step] ?? { retries: 0, retryDelayMs: 0, env: {}, decorators: [] };
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
      this.finish({ status: 'failed', error: 'the flow has no start step', tasks: 0, cloned: 0 });
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
    this.pump();
  }

  /** The origin task this pending task would be a clone of, if resume may clone it. */
  private cloneOf(p: PendingTask): OriginTask | undefined {
    const src = this.opts.clone;
    if (!src || src.rerun.has(p.step)) return undefined;
    const parentsCloned = p.parents.every((x) => x.step === '_parameters' || this.cloned.has(x.taskId));
    if (!parentsCloned) return undefined;
    return src.byIndex.get(taskIndexKey(p));
  }

  private pump(): void {
    // Clones start no process, so they do not wait for a worker slot.
    for (let i = 0; !this.failure && i < this.queue.length; ) {
      const origin = this.cloneOf(this.queue[i]!);
      if (origin) void this.execute(this.queue.splice(i, 1)[0]!, origin);
      else i++;
    }
    while (!this.failure && this.queue.length > 0 && this.workersBusy < this.opts.maxWorkers) {
      void this.execute(this.queue.shift()!);
    }
    if (this.running.size === 0 && (this.queue.length === 0 || this.failure)) this.complete();
  }

  private complete(): void {
    if (this.completed) return;
    this.completed = true;
    clearInterval(this.flushTimer);
    this.opts.compute.shutdown();
    const tasks = this.nextTaskId - 1;
    const cloned = this.cloned.size;
    if (this.failure) this.finish({ status: 'failed', error: this.failure, tasks, cloned });
    else if (!this.endSucceeded) {
      this.finish({ status: 'failed', error: 'the run stopped before reaching the end step', tasks, cloned });
    } else this.finish({ status: 'succeeded', tasks, cloned });
  }

  private async execute(p: PendingTask, origin?: OriginTask): Promise<void> {
    const taskId = String(this.nextTaskId++);
    const task: RunningTask = {
      ...p,
      taskId,
      attempt: 0,
      logs: { stdout: [], stderr: [] },
      flushing: Promise.resolve(),
      usesWorker: !origin,
    };
    this.running.set(taskId, task);
    if (task.usesWorker) this.workersBusy++;
    try {
      await this.recordTask(task, origin);
      if (origin) await this.cloneTask(task, origin);
      else await this.attempts(task);
    } catch (err) {
      this.fail(`${this.who(task)}: ${(err as Error).message}`);
    } finally {
      this.running.delete(taskId);
      if (task.usesWorker) this.workersBusy--;
      this.pump();
    }
  }

  private async recordTask(task: RunningTask, origin: OriginTask | undefined): Promise<void> {
    const { store, runId } = this.opts;
    const flow = this.opts.graph.name;
    if (!this.stepsRecorded.has(task.step)) {
      this.stepsRecorded.add(task.step);
      const decorators = this.policy(task.step).decorators;
      await store.writeStepRecord(runId, {
        step: task.step,
        createdAt: Date.now(),
        ...(decorators.length > 0 ? { decorators } : {}),
      });
    }
    await store.writeTaskRecord({
      flow,
      runId,
      step: task.step,
      taskId: task.taskId,
      createdAt: Date.now(),
      parents: task.parents.map((x) => `${flow}/${x.runId}/${x.step}/${x.taskId}`),
      foreachStack: task.foreachStack,
      branchStack: task.branchStack,
      ...(task.iteration > 0 ? { iteration: task.iteration } : {}),
      ...(origin ? { originPathspec: `${flow}/${origin.runId}/${origin.step}/${origin.taskId}` } : {}),
    });
  }

  /** Resume: the task succeeded in the origin run; point at its artifacts instead of running it. */
  private async cloneTask(task: RunningTask, origin: OriginTask): Promise<void> {
    const { store, runId } = this.opts;
    const key: TaskKey = { runId, step: task.step, taskId: task.taskId };
    const now = Date.now();
    await store.startAttempt(key, { attempt: 0, startedAt: now, pid: process.pid, host: os.hostname() });
    await store.commitAttempt(
      key,
      { ...origin.data, attempt: 0 },
      { ...origin.done, attempt: 0, finishedAt: now },
    );
    this.cloned.add(task.taskId);
    this.opts.console.task(
      this.who(key),
      process.pid,
      `Cloned from ${this.opts.graph.name}/${origin.runId}/${origin.step}/${origin.taskId}.`,
    );
    if (!this.failure) this.follow(task, origin.data.transition);
  }

  /** Runs a task's attempts: retries per @retry, a caught failure per @catchErrors. */
  private async attempts(task: RunningTask): Promise<void> {
    const policy = this.policy(task.step);
    for (let attempt = 0; ; attempt++) {
      task.attempt = attempt;
      task.timedOut = false;
      if (this.failure) return;
      const last = attempt >= policy.retries;
      const { view, code, signal } = await this.runAttempt(task, policy, last);
      const who = this.who(task);
      const pid = task.proc?.label ?? 'not started';
      const done = view?.done;
      if (done?.finished && code === 0) {
        if (done.successful)
          this.opts.console.task(who, pid, 'Task finished successfully.', { kind: 'success' });
        else
          this.opts.console.task(
            who,
            pid,
            `Task finished; @catchErrors caught: ${done.error?.message ?? 'an error'}`,
            { kind: 'error' },
          );
        this.follow(task, view?.data?.transition ?? null);
        return;
      }
      if (
        !done?.finished &&
        !task.stoppedBecause &&
        !task.timedOut &&
        (signal === 'SIGINT' || signal === 'SIGTERM')
      ) {
        if (this.opts.onTaskSignal && !this.failure) {
          await this.sleep(INTERRUPT_SETTLE_MS);
          if (!this.failure) this.opts.onTaskSignal(signal);
        }
      }
      if (task.stoppedBecause) {
        this.opts.console.task(who, pid, `Task stopped: ${task.stoppedBecause}`, {
          kind: 'error',
          stream: 'stderr',
        });
        return;
      }
      const why = done?.error?.message ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
      if (!last) {
        const delay = policy.retryDelayMs;
        this.opts.console.task(
          who,
          pid,
          `Task failed (attempt ${attempt + 1} of ${policy.retries + 1}): ${why}; retrying${delay > 0 ? ` in ${Math.round(delay / 1000)} s` : ''}.`,
          { kind: 'error', stream: 'stderr' },
        );
        if (delay > 0) await this.sleep(delay);
        continue;
      }
      if (policy.catchVar !== undefined) {
        // The process itself died (crash, timeout): record the caught failure for it.
        await this.catchForProcess(task, policy, done?.error ?? { name: 'TaskProcessError', message: why });
        this.opts.console.task(who, pid, `Task finished; @catchErrors caught: ${why}`, { kind: 'error' });
        this.follow(task, { next: this.node(task.step).next });
        return;
      }
      this.opts.console.task(who, pid, `Task failed: ${why}`, { kind: 'error', stream: 'stderr' });
      this.fail(`task ${this.opts.graph.name}/${who} failed: ${why}`);
      return;
    }
  }

  private async runAttempt(
    task: RunningTask,
    policy: StepPolicy,
    lastAttempt: boolean,
  ): Promise<{ view: AttemptView | null; code: number | null; signal: NodeJS.Signals | null }> {
    const { store, runId } = this.opts;
    const key: TaskKey = { runId, step: task.step, taskId: task.taskId };
    const spec: TaskSpec = {
      datastoreRoot: this.opts.datastoreRoot,
      flow: this.opts.graph.name,
      flowClass: this.opts.flowClass,
      runId,
      step: task.step,
      taskId: task.taskId,
      attempt: task.attempt,
      parents: task.parents,
      parameters: this.opts.parameters,
      foreachStack: task.foreachStack,
      node: this.node(task.step),
      maxNumSplits: this.opts.maxNumSplits,
      ...(policy.catchVar !== undefined && lastAttempt ? { catchVar: policy.catchVar } : {}),
    };
    const who = this.who(key);
    const moreComing = this.queue.length > 0 || this.running.size > 1 || !this.node(task.step).isEnd;
    const onBatch = policy.decorators.some((d) => d.name === 'batch');
    if (onBatch && !this.opts.batch)
      throw new Error(`step '${task.step}' runs on AWS Batch, which is not set up for this run`);
    const proc = onBatch
      ? this.opts.batch!.acquire(policy, task.step)
      : this.opts.compute.acquire(moreComing, policy.env);
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
      this.opts.console.task(who, proc.label, text, { stream, ts });
    });
    this.opts.console.task(
      who,
      proc.label,
      task.attempt > 0 ? `Task is starting (attempt ${task.attempt + 1}).` : 'Task is starting.',
    );
    let timer: NodeJS.Timeout | undefined;
    if (policy.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        task.timedOut = true;
        proc.kill('SIGKILL');
      }, policy.timeoutMs);
    }
    const exit = await proc.exited;
    if (timer) clearTimeout(timer);
    await this.flush(task);
    const view = await commitIfUncommitted(
      store,
      key,
      task.attempt,
      exit,
      task.timedOut
        ? {
            name: 'TimeoutError',
            message: `timed out after ${policy.timeoutMs! / 1000} s (@timeout) and was killed`,
          }
        : { message: task.stoppedBecause ?? exit.reason },
    );
    return { view, code: exit.code, signal: exit.signal };
  }

  /**
   * @catchErrors for a task whose process died on its last attempt: one more attempt, committed
   * by the scheduler, that carries the inputs forward and stores the error in the catch artifact.
   */
  private async catchForProcess(
    task: RunningTask,
    policy: StepPolicy,
    error: SerializedError,
  ): Promise<void> {
    const { store, runId } = this.opts;
    const key: TaskKey = { runId, step: task.step, taskId: task.taskId };
    task.attempt += 1;
    const pathspec = `${this.opts.graph.name}/${this.who(task)}`;
    await store.startAttempt(key, {
      attempt: task.attempt,
      startedAt: Date.now(),
      pid: process.pid,
      host: os.hostname(),
    });
    const params = (await store.readAttempt(this.opts.parameters, 0))?.data?.artifacts ?? {};
    let inherited: Record<string, ArtifactRef> = {};
    if (this.node(task.step).kind !== 'join' && task.parents.length === 1) {
      const parent = task.parents[0]!;
      inherited = (await store.readAttempt(parent, parent.attempt))?.data?.artifacts ?? {};
    }
    const artifacts: Record<string, ArtifactRef> = { ...inherited, ...params };
    if (policy.catchVar) {
      artifacts[policy.catchVar] = await store.saveArtifact(
        { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) },
        { artifact: policy.catchVar, pathspec },
      );
    }
    await store.commitAttempt(
      key,
      { attempt: task.attempt, artifacts, transition: { next: this.node(task.step).next } },
      { attempt: task.attempt, finishedAt: Date.now(), finished: true, successful: false, error },
    );
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

  /** Waits before a retry; a failing run cuts the wait short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.sleepers.delete(done);
        resolve();
      }
      this.sleepers.add(done);
    });
  }

  /** Marks the run failed (once) and stops every running task. */
  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    for (const wake of [...this.sleepers]) wake();
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

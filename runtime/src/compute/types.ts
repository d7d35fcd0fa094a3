// What the scheduler needs from a place that runs tasks: a handle per attempt. Local processes
// (local.ts) and AWS Batch jobs (batch.ts) both provide it.

import type { LogStream } from '../datastore/types.js';
import type { TaskSpec } from '../runtime/task-spec.js';

export interface TaskExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it ended, when the compute layer knows better than an exit code (a Batch status reason). */
  reason?: string;
}

export type LineHandler = (stream: LogStream, text: string, ts: number) => void;

export interface TaskHandle {
  /** The task's process id, or this scheduler's for a remote task (attempt records keep it). */
  readonly pid: number;
  /** For console prefixes: `pid 123` locally, `batch job 1a2b3c4d` on Batch. */
  readonly label: string;
  readonly alive: boolean;
  readonly exited: Promise<TaskExit>;
  /** Starts the task; its output lines go to `onLine`. */
  run(spec: TaskSpec, onLine: LineHandler): void;
  /** Stops it (SIGTERM/SIGKILL locally; TerminateJob on Batch). */
  kill(signal?: NodeJS.Signals): void;
}

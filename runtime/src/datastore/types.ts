// The storage contract (DESIGN §4). Everything a run leaves behind is described here: the
// backend interface that local disk and S3 implement, the JSON records written beside
// the data, and the `FlowStore` API that the task worker, the scheduler and the client use.
//
// Layout under the datastore root (same relative layout on every backend):
//   <Flow>/data/<sha[:2]>/<sha>                          content-addressed blob (written once)
//   <Flow>/<run>/_meta/run.json                          RunRecord (written once, when the run starts)
//   <Flow>/<run>/_meta/status.json                       RunStatus (rewritten atomically)
//   <Flow>/<run>/_meta/graph.json                        the FlowGraph the run was scheduled from
//   <Flow>/<run>/<step>/_meta/step.json                  StepRecord
//   <Flow>/<run>/<step>/<task>/_meta/task.json           TaskRecord
//   <Flow>/<run>/<step>/<task>/<attempt>.attempt.json    AttemptStarted (attempt began)
//   <Flow>/<run>/<step>/<task>/<attempt>.data.json       AttemptData (artifact manifest)
//   <Flow>/<run>/<step>/<task>/<attempt>.done            AttemptDone (the commit marker)
//   <Flow>/<run>/<step>/<task>/<attempt>.stdout.log      timestamped lines, appended live
//   <Flow>/<run>/<step>/<task>/<attempt>.stderr.log
// `_parameters` is a pseudo-step (task `0`) that holds the run's parameter values, as in Metaflow.
// Every JSON write is atomic (temp file + rename); `.done` is created exclusively, so an attempt
// is committed exactly once and a reader never sees a half-written attempt.

import type { FlowGraph } from '../graph/types.js';

/** A byte store addressed by '/'-separated keys relative to the datastore root. */
export interface StorageBackend {
  readonly kind: 'local' | 's3';
  /** Human-readable root: an absolute directory or `s3://bucket/prefix`. */
  readonly root: string;
  /** Whole object, or null when absent. */
  get(key: string): Promise<Buffer | null>;
  /** Synchronous read where the backend can (local disk); undefined on remote backends. */
  readonly getSync?: (key: string) => Buffer | null;
  /**
   * Atomic write: readers see the old object or the new one, never a part. With `ifAbsent` the
   * write happens only if nothing is at `key`; returns false (and writes nothing) when something is.
   * An array of chunks is stored as their concatenation (so a small header can go in front of a
   * large body without copying the body).
   */
  put(
    key: string,
    data: Buffer | string | readonly Uint8Array[],
    opts?: { ifAbsent?: boolean },
  ): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /** Immediate children of a folder-like prefix (no trailing slash needed): sub-folders and objects. */
  list(prefix: string): Promise<{ dirs: string[]; files: string[] }>;
  /** Size and last modification of an object, or null when absent. */
  stat(key: string): Promise<{ size: number; modifiedAt: number } | null>;
  /**
   * Marks an existing object as just used (its modification time becomes now); false when absent.
   * A deduplicated blob is touched so `gc`'s grace period protects it from a concurrent sweep.
   */
  touch(key: string): Promise<boolean>;
  /** Removes one object; absent is fine. */
  delete(key: string): Promise<void>;
  /** Removes everything under a prefix. */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Backends with multipart uploads (S3): aborts the unfinished uploads under a prefix started
   * before `before` (ms since the epoch), e.g. of a task killed mid-upload, which otherwise stay
   * (and are billed) forever. Returns how many there were; `dryRun` only counts them.
   */
  abortUploadsStartedBefore?(prefix: string, before: number, dryRun?: boolean): Promise<number>;
  /** Appends to a log object (local: a plain append; remote backends buffer and upload). */
  append(key: string, data: string): Promise<void>;
}

/** One frame per enclosing foreach, outermost first (Metaflow's foreach stack). */
export interface ForeachFrame {
  /** The foreach split step. */
  step: string;
  /** The artifact iterated over. */
  var: string;
  numSplits: number;
  index: number;
  /** A short (≤ 40 chars) label of the element, for display. */
  label?: string;
  /** Task id of the foreach split task (in the same run), whose `var` artifact holds the list. */
  taskId: string;
}

/** One frame per enclosing static split (scheduler bookkeeping to match joins and order inputs). */
export interface BranchFrame {
  /** The static split step. */
  step: string;
  /** Which of its targets this path took (0-based, in `this.next` order). */
  branch: number;
}

/** Reference to a stored artifact value, as kept in an attempt's manifest. */
export interface ArtifactRef {
  /** sha256 (hex) of the serialized, uncompressed bytes. */
  sha: string;
  /** Size of the serialized bytes. */
  size: number;
  /**
   * Serializer used: `v8` (structured clone), `raw:<TypedArrayName>` / `raw:Buffer` for binary
   * fast paths, or `records:v1` for a large array of same-shape plain records (stored as columns;
   * `records:v2` when a string column of repeated values is stored as a dictionary).
   */
  encoding: string;
  /** A short description of the value's type for listings: `number`, `string`, `Array(6)`, `Map(3)`, `Float64Array(100)`, class name ... */
  type: string;
}

export interface RunRecord {
  schema: 1;
  flow: string;
  runId: string;
  /** Absolute path of the flow's source file. */
  file: string;
  user: string;
  /** User tags (`--tag`). */
  tags: string[];
  /** Tags the system adds: `user:<name>`, `runtime:node<version>`, `tsflow:<version>`. */
  systemTags: string[];
  /** Epoch milliseconds. */
  createdAt: number;
  /** The run this one resumed from, for resumed runs. */
  originRunId?: string;
  /** Parameter values as given (JSON), for display; the artifacts of `_parameters/0` are authoritative. */
  parameters: Record<string, unknown>;
  host: string;
  pid: number;
}

export type RunState = 'running' | 'succeeded' | 'failed';

export interface RunStatus {
  status: RunState;
  /** Epoch ms of the scheduler's last sign of life; a running run with a stale heartbeat is dead. */
  heartbeatAt: number;
  finishedAt?: number;
  /** Why the run failed (the first failing task's pathspec and message). */
  error?: string;
  /**
   * While running: the scheduler's process start time (clock ticks since boot, from /proc), so a
   * reader on the same host can tell at once that the scheduler (RunRecord.pid) died, and not
   * mistake a reused pid for it.
   */
  pidStart?: number;
}

export interface StepRecord {
  step: string;
  createdAt: number;
  /** The step's decorators as the run applied them (its own plus `--with`), e.g. `@retry`, `@resources`. */
  decorators?: { name: string; options: Record<string, unknown> }[];
}

export interface TaskRecord {
  flow: string;
  runId: string;
  step: string;
  taskId: string;
  createdAt: number;
  /** Pathspecs (`Flow/run/step/task`) of the tasks whose outputs are this task's inputs. */
  parents: string[];
  foreachStack: ForeachFrame[];
  /** Enclosing static splits, outermost first. */
  branchStack: BranchFrame[];
  /** For a switch self-loop, how many times this step has run on this path before (0-based). */
  iteration?: number;
  /** For a task cloned by resume: the pathspec of the task it was cloned from. */
  originPathspec?: string;
}

export interface AttemptStarted {
  attempt: number;
  startedAt: number;
  pid: number;
  host: string;
}

/** What a step's `this.next(...)` actually did, recorded so the scheduler can follow it. */
export interface TakenTransition {
  /** Successor step names (for a switch: the one chosen; for a foreach: the body). */
  next: string[];
  foreach?: { var: string; numSplits: number; labels?: string[] };
  condition?: { var: string; value: string };
}

/** The artifact manifest of one attempt (`<attempt>.data.json`). */
export interface AttemptData {
  attempt: number;
  /** Artifact name → reference. Includes parameters and artifacts inherited unchanged (same sha). */
  artifacts: Record<string, ArtifactRef>;
  /** Null for the end step and for failed attempts. */
  transition: TakenTransition | null;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** The commit marker of one attempt (`<attempt>.done`). */
export interface AttemptDone {
  attempt: number;
  finishedAt: number;
  /** Metaflow's `finished` (`_task_ok`): the task completed (possibly with a caught error). */
  finished: boolean;
  /** Metaflow's `successful`: the step's code ran to completion without error. */
  successful: boolean;
  exitCode?: number | null;
  signal?: string | null;
  error?: SerializedError;
}

/** One line of a task log, as read back. */
export interface LogLine {
  /** Epoch ms at which the line was produced. */
  ts: number;
  text: string;
}

export type LogStream = 'stdout' | 'stderr';

/** Identifies one task: `Flow/run/step/task`. */
export interface TaskKey {
  runId: string;
  step: string;
  taskId: string;
}

/** Context for error messages when (de)serializing an artifact. */
export interface ArtifactContext {
  artifact: string;
  /** `Flow/run/step/task` of the task reading or writing. */
  pathspec: string;
}

/** The latest attempt of a task as a reader sees it. */
export interface AttemptView {
  attempt: number;
  started: AttemptStarted;
  /** Present once committed. */
  done?: AttemptDone;
  /** Present once committed (and only if the task wrote a manifest). */
  data?: AttemptData;
}

/** The per-flow view of a datastore. One instance per process is enough; it holds no locks. */
export interface FlowStore {
  readonly flow: string;
  readonly backend: StorageBackend;

  // ---- content-addressed artifacts ----
  /** Serializes, hashes, compresses and stores a value (written once per sha). */
  saveArtifact(value: unknown, ctx: ArtifactContext): Promise<ArtifactRef>;
  /** Loads and verifies a value; a hash mismatch throws an error naming artifact, task and blob. */
  loadArtifact(ref: ArtifactRef, ctx: ArtifactContext): Promise<unknown>;
  /** Same, synchronously (local backend only; throws on a remote one). */
  loadArtifactSync(ref: ArtifactRef, ctx: ArtifactContext): unknown;
  /**
   * The verified serialized bytes of an artifact (decode with `deserializeValue(bytes, ref.encoding)`):
   * a task on a backend without synchronous reads fetches these before its step runs.
   */
  loadArtifactBytes(ref: ArtifactRef, ctx: ArtifactContext): Promise<Buffer>;

  // ---- runs ----
  /** Claims a fresh run id (unique even with many runs starting at once) and writes its record. */
  createRun(record: Omit<RunRecord, 'runId' | 'schema'>): Promise<RunRecord>;
  readRun(runId: string): Promise<RunRecord | null>;
  /**
   * Rewrites the run's user tags (`tsflow tag add|remove`): read, `update`, atomic rewrite of
   * run.json. Last writer wins if two processes retag the same run at the same moment.
   */
  updateRunTags(runId: string, update: (tags: string[]) => string[]): Promise<RunRecord>;
  writeRunStatus(runId: string, status: RunStatus): Promise<void>;
  readRunStatus(runId: string): Promise<RunStatus | null>;
  writeGraph(runId: string, graph: FlowGraph): Promise<void>;
  readGraph(runId: string): Promise<FlowGraph | null>;
  /** Run ids of this flow, in no particular order. */
  listRuns(): Promise<string[]>;

  // ---- steps and tasks ----
  writeStepRecord(runId: string, record: StepRecord): Promise<void>;
  /** Step names that have a record in the run (including `_parameters`). */
  listSteps(runId: string): Promise<string[]>;
  readStepRecord(runId: string, step: string): Promise<StepRecord | null>;
  writeTaskRecord(record: TaskRecord): Promise<void>;
  readTaskRecord(key: TaskKey): Promise<TaskRecord | null>;
  listTasks(runId: string, step: string): Promise<string[]>;

  // ---- attempts ----
  startAttempt(key: TaskKey, started: AttemptStarted): Promise<void>;
  /** Writes the manifest, then the commit marker. Returns false if the attempt was already committed. */
  commitAttempt(key: TaskKey, data: AttemptData | null, done: AttemptDone): Promise<boolean>;
  /** The highest started attempt, with its manifest and marker when committed; null if none started. */
  latestAttempt(key: TaskKey): Promise<AttemptView | null>;
  readAttempt(key: TaskKey, attempt: number): Promise<AttemptView | null>;
  /** Numbers of the started attempts (those with an `<n>.attempt.json`), ascending. */
  listAttempts(key: TaskKey): Promise<number[]>;

  // ---- logs ----
  appendLog(key: TaskKey, attempt: number, stream: LogStream, lines: LogLine[]): Promise<void>;
  readLog(key: TaskKey, attempt: number, stream: LogStream): Promise<LogLine[]>;
}

// `FlowStore` over any `StorageBackend`. Only backend calls here (no fs), so the S3 backend plugs
// in unchanged. Records are small JSON files written atomically; the only coordination between
// processes is `put(..., { ifAbsent })`: to claim a run id and to commit an attempt exactly once.

import { CorruptDataError } from '../errors.js';
import type { FlowGraph } from '../graph/types.js';
import { ContentStore } from './content-store.js';
import { FlowLayout, isValidRunId, isValidSegment, parseAttemptFile } from './layout.js';
import { formatLogLines, parseLogLines } from './log-format.js';
import { deserializeValue, serializeValue } from './serialize.js';
import type {
  ArtifactContext,
  ArtifactRef,
  AttemptData,
  AttemptDone,
  AttemptStarted,
  AttemptView,
  FlowStore,
  LogLine,
  LogStream,
  RunRecord,
  RunStatus,
  StepRecord,
  StorageBackend,
  TaskKey,
  TaskRecord,
} from './types.js';

/** How many ids `createRun` tries before giving up (each conflict means another run took that id). */
const MAX_RUN_ID_TRIES = 1000;

/** Microseconds since the epoch, as Metaflow's local run ids (fits a double exactly until year 2255). */
function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

export class BackendFlowStore implements FlowStore {
  readonly layout: FlowLayout;
  readonly blobs: ContentStore;

  constructor(
    readonly backend: StorageBackend,
    readonly flow: string,
  ) {
    this.layout = new FlowLayout(flow);
    this.blobs = new ContentStore(backend, this.layout);
  }

  // ---- helpers ----

  private async readJson<T>(key: string): Promise<T | null> {
    // Records are small: on local disk a synchronous read is a few system calls, where the
    // promise-based one makes four thread-pool round trips (open, fstat, read, close), which the
    // scheduler paid several times per task.
    const getSync = this.backend.getSync;
    const buf = getSync ? getSync(key) : await this.backend.get(key);
    return buf ? this.parseJson<T>(key, buf) : null;
  }

  private parseJson<T>(key: string, buf: Buffer): T {
    try {
      return JSON.parse(buf.toString('utf8')) as T;
    } catch (e) {
      throw new CorruptDataError(
        `record ${this.backend.root.replace(/\/+$/, '')}/${key} is not valid JSON (${(e as Error).message})`,
      );
    }
  }

  private async writeJson(key: string, value: unknown, ifAbsent = false): Promise<boolean> {
    return this.backend.put(key, JSON.stringify(value), { ifAbsent });
  }

  // ---- content-addressed artifacts ----

  async saveArtifact(value: unknown, ctx: ArtifactContext): Promise<ArtifactRef> {
    const s = serializeValue(value, ctx);
    const { sha, size } = await this.blobs.save(s.bytes);
    return { sha, size, encoding: s.encoding, type: s.type };
  }

  async loadArtifact(ref: ArtifactRef, ctx: ArtifactContext): Promise<unknown> {
    return deserializeValue(await this.blobs.load(ref.sha, ctx), ref.encoding, ctx);
  }

  loadArtifactSync(ref: ArtifactRef, ctx: ArtifactContext): unknown {
    return deserializeValue(this.blobs.loadSync(ref.sha, ctx), ref.encoding, ctx);
  }

  loadArtifactBytes(ref: ArtifactRef, ctx: ArtifactContext): Promise<Buffer> {
    return this.blobs.load(ref.sha, ctx);
  }

  // ---- runs ----

  async createRun(record: Omit<RunRecord, 'runId' | 'schema'>): Promise<RunRecord> {
    if (record.flow !== this.flow)
      throw new Error(`createRun: record of flow ${record.flow} given to the store of ${this.flow}`);
    let id = nowMicros();
    for (let i = 0; i < MAX_RUN_ID_TRIES; i++) {
      const runId = String(id);
      const full: RunRecord = { schema: 1, runId, ...record };
      if (await this.writeJson(this.layout.runRecord(runId), full, true)) return full;
      // Taken by a run that started in the same microsecond (or a clock that went back): next id.
      id = Math.max(id + 1, nowMicros());
    }
    throw new Error(`could not claim a run id for ${this.flow} after ${MAX_RUN_ID_TRIES} tries`);
  }

  async readRun(runId: string): Promise<RunRecord | null> {
    return this.readJson<RunRecord>(this.layout.runRecord(runId));
  }

  async updateRunTags(runId: string, update: (tags: string[]) => string[]): Promise<RunRecord> {
    const key = this.layout.runRecord(runId);
    const record = await this.readJson<RunRecord>(key);
    if (!record) throw new Error(`no run ${this.flow}/${runId}`);
    const next: RunRecord = { ...record, tags: [...new Set(update([...record.tags]))] };
    await this.writeJson(key, next);
    return next;
  }

  async writeRunStatus(runId: string, status: RunStatus): Promise<void> {
    await this.writeJson(this.layout.runStatus(runId), status);
  }

  async readRunStatus(runId: string): Promise<RunStatus | null> {
    return this.readJson<RunStatus>(this.layout.runStatus(runId));
  }

  async writeGraph(runId: string, graph: FlowGraph): Promise<void> {
    await this.writeJson(this.layout.graph(runId), graph);
  }

  async readGraph(runId: string): Promise<FlowGraph | null> {
    return this.readJson<FlowGraph>(this.layout.graph(runId));
  }

  async listRuns(): Promise<string[]> {
    const { dirs } = await this.backend.list(this.layout.runsPrefix());
    return dirs.filter(isValidRunId);
  }

  // ---- steps and tasks ----

  async writeStepRecord(runId: string, record: StepRecord): Promise<void> {
    await this.writeJson(this.layout.stepRecord(runId, record.step), record);
  }

  async readStepRecord(runId: string, step: string): Promise<StepRecord | null> {
    return this.readJson<StepRecord>(this.layout.stepRecord(runId, step));
  }

  async listSteps(runId: string): Promise<string[]> {
    const { dirs } = await this.backend.list(this.layout.run(runId));
    const candidates = dirs.filter(isValidSegment);
    const has = await Promise.all(
      candidates.map((s) => this.backend.exists(this.layout.stepRecord(runId, s))),
    );
    return candidates.filter((_, i) => has[i]);
  }

  async writeTaskRecord(record: TaskRecord): Promise<void> {
    await this.writeJson(this.layout.taskRecord(record), record);
  }

  async readTaskRecord(key: TaskKey): Promise<TaskRecord | null> {
    return this.readJson<TaskRecord>(this.layout.taskRecord(key));
  }

  async listTasks(runId: string, step: string): Promise<string[]> {
    const { dirs } = await this.backend.list(this.layout.step(runId, step));
    return dirs.filter(isValidSegment);
  }

  // ---- attempts ----

  async startAttempt(key: TaskKey, started: AttemptStarted): Promise<void> {
    await this.writeJson(this.layout.attemptFile(key, started.attempt, 'attempt.json'), started);
  }

  /**
   * Manifest first, then the exclusive `.done` marker: a reader that sees `.done` finds the
   * manifest complete. One writer per attempt is expected (the worker, or the scheduler once the
   * worker is dead); the marker decides the verdict exactly once even if two race.
   */
  async commitAttempt(key: TaskKey, data: AttemptData | null, done: AttemptDone): Promise<boolean> {
    const doneKey = this.layout.attemptFile(key, done.attempt, 'done');
    if (await this.backend.exists(doneKey)) return false;
    if (data) {
      if (data.attempt !== done.attempt)
        throw new Error(`commitAttempt: manifest of attempt ${data.attempt} with marker of ${done.attempt}`);
      await this.writeJson(this.layout.attemptFile(key, data.attempt, 'data.json'), data);
    }
    return this.writeJson(doneKey, done, true);
  }

  async listAttempts(key: TaskKey): Promise<number[]> {
    const { files } = await this.backend.list(this.layout.task(key));
    const out: number[] = [];
    for (const f of files) {
      const n = parseAttemptFile(f);
      if (n !== null) out.push(n);
    }
    return out.sort((a, b) => a - b);
  }

  async latestAttempt(key: TaskKey): Promise<AttemptView | null> {
    const attempts = await this.listAttempts(key);
    const last = attempts[attempts.length - 1];
    return last === undefined ? null : this.readAttempt(key, last);
  }

  async readAttempt(key: TaskKey, attempt: number): Promise<AttemptView | null> {
    // The marker is read before the manifest: the manifest is written first, so a marker seen
    // implies a complete manifest (reading the other way round could pair a missing manifest with
    // a marker that appeared in between).
    const [started, done] = await Promise.all([
      this.readJson<AttemptStarted>(this.layout.attemptFile(key, attempt, 'attempt.json')),
      this.readJson<AttemptDone>(this.layout.attemptFile(key, attempt, 'done')),
    ]);
    if (!started) return null;
    const view: AttemptView = { attempt, started };
    if (done) {
      view.done = done;
      const data = await this.readJson<AttemptData>(this.layout.attemptFile(key, attempt, 'data.json'));
      if (data) view.data = data;
    }
    return view;
  }

  // ---- logs ----

  async appendLog(key: TaskKey, attempt: number, stream: LogStream, lines: LogLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.backend.append(this.layout.attemptFile(key, attempt, `${stream}.log`), formatLogLines(lines));
  }

  async readLog(key: TaskKey, attempt: number, stream: LogStream): Promise<LogLine[]> {
    const buf = await this.backend.get(this.layout.attemptFile(key, attempt, `${stream}.log`));
    return buf ? parseLogLines(buf.toString('utf8')) : [];
  }
}

// How a flow instance's fields become artifacts and back. Inherited artifacts are bound as lazy
// getters (loaded only when a step reads them) and, when the step neither reads nor reassigns
// them, persisted again by pointer without touching their bytes.
//
// Getters are synchronous, and a remote backend (S3) cannot be read synchronously: there the
// task prefetches, in parallel and before the step runs, the bytes of every artifact the step
// can read, and the getters decode them from memory. The local backend stays lazy. Prefetched
// bytes beyond a memory budget (TSFLOW_PREFETCH_MEMORY_MB, default 512) wait in files on local
// disk instead, so a join over many large inputs does not hold them all in memory at once.

import fs from 'node:fs';
import path from 'node:path';
import { deserializeValue, V8_ENCODING } from '../datastore/serialize.js';
import type { ArtifactRef, FlowStore } from '../datastore/types.js';
import { makeSpillFolder } from './spill-folder.js';

interface Loaded {
  ref: ArtifactRef;
  value: unknown;
}

/** Prefetched bytes that did not fit the memory budget: a file in the binder's spill folder. */
interface Spilled {
  file: string;
}

export interface BinderOptions {
  /** Prefetched bytes kept in memory at most; the rest go to local files (default: TSFLOW_PREFETCH_MEMORY_MB or 512 MB). */
  memoryBudgetBytes?: number;
}

function defaultBudget(): number {
  const raw = process.env.TSFLOW_PREFETCH_MEMORY_MB;
  if (raw === undefined || raw === '') return 512e6;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb < 0)
    throw new Error(`TSFLOW_PREFETCH_MEMORY_MB must be a number of megabytes (0 or more), not '${raw}'`);
  return mb * 1e6;
}

/** Tracks the artifacts bound into one flow instance (or one read-only join input). */
export class ArtifactBinder {
  private readonly loaded = new Map<string, Loaded>();
  /** Prefetched serialized bytes by sha (remote backends only), in memory or spilled to a file. */
  private prefetched: Map<string, Buffer | Spilled> | undefined;
  private readonly budget: number;
  private spillDir: string | undefined;
  /** Bytes prefetched into memory (held against the budget) and into spill files. */
  readonly stats = { memoryBytes: 0, spilledBytes: 0 };
  /** Shas whose prefetched bytes a value already views (raw encodings decode without a copy). */
  private readonly handedOut = new Set<string>();

  constructor(
    private readonly store: FlowStore,
    private readonly pathspec: string,
    opts: BinderOptions = {},
  ) {
    this.budget = opts.memoryBudgetBytes ?? defaultBudget();
  }

  /** Whether this store needs `prefetch` (its backend has no synchronous reads). */
  get needsPrefetch(): boolean {
    return !this.store.backend.getSync;
  }

  /**
   * On a backend without synchronous reads, fetches every listed artifact (each distinct blob
   * once, `concurrency` at a time) so that `load` can decode it from memory. A no-op locally.
   */
  async prefetch(
    refs: Iterable<{ name: string; ref: ArtifactRef; pathspec: string }>,
    concurrency = 16,
  ): Promise<void> {
    if (!this.needsPrefetch) return;
    this.prefetched ??= new Map();
    const cache = this.prefetched;
    const todo = new Map<string, { name: string; ref: ArtifactRef; pathspec: string }>();
    for (const r of refs) if (!cache.has(r.ref.sha) && !todo.has(r.ref.sha)) todo.set(r.ref.sha, r);
    const queue = [...todo.values()];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const bytes = await this.store.loadArtifactBytes(r.ref, { artifact: r.name, pathspec: r.pathspec });
        if (this.stats.memoryBytes + bytes.byteLength <= this.budget) {
          this.stats.memoryBytes += bytes.byteLength;
          cache.set(r.ref.sha, bytes);
        } else {
          // Written whole before it is listed: a getter never reads a partial file.
          const file = path.join(this.spillFolder(), r.ref.sha);
          fs.writeFileSync(file, bytes);
          this.stats.spilledBytes += bytes.byteLength;
          cache.set(r.ref.sha, { file });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  }

  /** A folder of this process's own for spilled bytes (a task process runs one task), removed when it exits. */
  private spillFolder(): string {
    this.spillDir ??= makeSpillFolder();
    return this.spillDir;
  }

  load(name: string, ref: ArtifactRef, pathspec = this.pathspec): unknown {
    const ctx = { artifact: name, pathspec };
    const entry = this.prefetched?.get(ref.sha);
    if (!entry) return this.store.loadArtifactSync(ref, ctx);
    // A spilled blob was verified when fetched; every read of its file is a fresh buffer.
    if (!Buffer.isBuffer(entry)) return deserializeValue(fs.readFileSync(entry.file), ref.encoding, ctx);
    const bytes = entry;
    // Every load gets its own value, as a fresh read would: v8 always builds new objects, but a
    // raw value views its bytes, so only the first one may use the prefetched buffer itself.
    const own = ref.encoding !== V8_ENCODING && this.handedOut.has(ref.sha) ? Buffer.from(bytes) : bytes;
    this.handedOut.add(ref.sha);
    return deserializeValue(own, ref.encoding, ctx);
  }

  /** Defines `name` on `target` as a lazy, writable artifact inherited from a parent task. */
  bindInherited(target: object, name: string, ref: ArtifactRef): void {
    const self = this;
    Object.defineProperty(target, name, {
      configurable: true,
      enumerable: true,
      get() {
        const value = self.load(name, ref);
        self.loaded.set(name, { ref, value });
        Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
        return value;
      },
      set(value: unknown) {
        Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
      },
    });
  }

  /**
   * The artifacts to persist for `target`: untouched inherited ones by pointer, immutable values
   * that were only read by pointer, everything else serialized (a value read and then mutated in
   * place must be saved again; identical bytes dedupe to the same sha).
   */
  async persist(
    target: object,
    inherited: Record<string, ArtifactRef>,
  ): Promise<Record<string, ArtifactRef>> {
    const out: Record<string, ArtifactRef> = {};
    const pending: Promise<void>[] = [];
    for (const name of Object.keys(target)) {
      const desc = Object.getOwnPropertyDescriptor(target, name)!;
      const ref = inherited[name];
      if (desc.get && ref) {
        out[name] = ref;
        continue;
      }
      const value = desc.get ? desc.get.call(target) : desc.value;
      const loaded = this.loaded.get(name);
      if (loaded && loaded.value === value && isImmutable(value)) {
        out[name] = loaded.ref;
        continue;
      }
      pending.push(
        this.store.saveArtifact(value, { artifact: name, pathspec: this.pathspec }).then((saved) => {
          out[name] = saved;
        }),
      );
    }
    await Promise.all(pending);
    // Keep the manifest in field order regardless of which save finished first.
    const ordered: Record<string, ArtifactRef> = {};
    for (const name of Object.keys(target)) if (out[name]) ordered[name] = out[name];
    return ordered;
  }
}

function isImmutable(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

/** A read-only view of one input task's artifacts, for a join's `inputs`. */
export function inputView(
  binder: ArtifactBinder,
  pathspec: string,
  artifacts: Record<string, ArtifactRef>,
  stepName: string,
): object {
  const view: Record<string, unknown> = {};
  const cache = new Map<string, unknown>();
  for (const [name, ref] of Object.entries(artifacts)) {
    Object.defineProperty(view, name, {
      enumerable: true,
      get() {
        if (!cache.has(name)) cache.set(name, binder.load(name, ref, pathspec));
        return cache.get(name);
      },
      set() {
        throw new TypeError(
          `inputs are read-only: assign '${name}' on this in the join instead (from ${stepName})`,
        );
      },
    });
  }
  Object.defineProperty(view, INPUT_META, { value: { pathspec, artifacts, step: stepName } });
  return Object.freeze(view);
}

export const INPUT_META = Symbol('tsflow.inputMeta');

export interface InputMeta {
  pathspec: string;
  step: string;
  artifacts: Record<string, ArtifactRef>;
}

export function inputMeta(view: object): InputMeta | undefined {
  return (view as { [INPUT_META]?: InputMeta })[INPUT_META];
}

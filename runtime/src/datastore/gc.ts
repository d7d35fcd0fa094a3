// `tsflow gc FLOW`: delete the blobs that no attempt manifest refers to. Safe while other runs
// write: a blob is only deleted when it is unreferenced AND older than a grace period, and a
// task that reuses an existing blob refreshes its time (ContentStore.save touches it) before
// pointing a manifest at it, so a sweep never takes a blob that a run is about to commit.

import type { FlowStore } from './types.js';

export interface GcOptions {
  /** Blobs modified more recently than this are kept whatever refers to them (default 1 hour). */
  graceMs?: number;
  /** Report only. */
  dryRun?: boolean;
  now?: number;
}

export interface GcResult {
  blobs: number;
  referenced: number;
  deleted: number;
  deletedBytes: number;
  /** Unreferenced but inside the grace period. */
  keptRecent: number;
  /** Unfinished multipart uploads (S3) older than the grace period, aborted: a task killed mid-upload leaves one. */
  abortedUploads: number;
}

const LIMIT = 32;

async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += LIMIT) await Promise.all(items.slice(i, i + LIMIT).map(fn));
}

/** Every sha that some attempt manifest of some run of the flow refers to. */
export async function referencedBlobs(store: FlowStore): Promise<Set<string>> {
  const refs = new Set<string>();
  const runs = await store.listRuns();
  await inBatches(runs, async (runId) => {
    for (const step of await store.listSteps(runId)) {
      const tasks = await store.listTasks(runId, step);
      await inBatches(tasks, async (taskId) => {
        const key = { runId, step, taskId };
        for (const attempt of await store.listAttempts(key)) {
          const view = await store.readAttempt(key, attempt);
          for (const ref of Object.values(view?.data?.artifacts ?? {})) refs.add(ref.sha);
        }
      });
    }
  });
  return refs;
}

export async function collectGarbage(store: FlowStore, opts: GcOptions = {}): Promise<GcResult> {
  const grace = opts.graceMs ?? 3_600_000;
  const now = opts.now ?? Date.now();
  const backend = store.backend;
  const dataPrefix = `${store.flow}/data`;
  // List the blobs first: a blob written after this listing is not considered at all.
  const blobs: string[] = [];
  for (const dir of (await backend.list(dataPrefix)).dirs) {
    for (const file of (await backend.list(`${dataPrefix}/${dir}`)).files) {
      if (/^[0-9a-f]{64}$/.test(file)) blobs.push(`${dataPrefix}/${dir}/${file}`);
    }
  }
  const refs = await referencedBlobs(store);
  const result: GcResult = {
    blobs: blobs.length,
    referenced: 0,
    deleted: 0,
    deletedBytes: 0,
    keptRecent: 0,
    abortedUploads: 0,
  };
  // An upload still going is younger than the grace period, like a blob still being referenced.
  if (backend.abortUploadsStartedBefore)
    result.abortedUploads = await backend.abortUploadsStartedBefore(dataPrefix, now - grace, opts.dryRun);
  await inBatches(blobs, async (key) => {
    const sha = key.slice(key.lastIndexOf('/') + 1);
    if (refs.has(sha)) {
      result.referenced++;
      return;
    }
    // Re-check the time right before deleting: a task may have just reused this blob.
    const st = await backend.stat(key);
    if (!st) return;
    if (now - st.modifiedAt < grace) {
      result.keptRecent++;
      return;
    }
    if (!opts.dryRun) await backend.delete(key);
    result.deleted++;
    result.deletedBytes += st.size;
  });
  return result;
}

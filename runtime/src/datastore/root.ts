// Where the datastore is, and opening stores on it (DESIGN §3: "the nearest `.tsflow` above the
// working directory, else one created in it"; or an `s3://bucket/prefix` root).

import fs from 'node:fs';
import path from 'node:path';
import { BackendFlowStore } from './flow-store.js';
import { isValidFlowName } from './layout.js';
import { LocalBackend } from './local-backend.js';
import { S3Backend } from './s3-backend.js';
import { formatS3Root, isS3Root, parseS3Root } from './s3-config.js';
import type { FlowStore, StorageBackend } from './types.js';

export const DATASTORE_DIRNAME = '.tsflow';
export const DATASTORE_ROOT_ENV = 'TSFLOW_DATASTORE_ROOT';

export interface ResolveRootOptions {
  /** Explicit root (`--datastore-root`); relative paths are taken from `cwd`. */
  root?: string;
  /** Where to start looking; defaults to `process.cwd()`. */
  cwd?: string;
  /** Environment to read `TSFLOW_DATASTORE_ROOT` from; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
}

/**
 * The datastore root (the folder that holds one folder per flow): the explicit `root`, else
 * `$TSFLOW_DATASTORE_ROOT`, else the nearest `.tsflow` directory at or above `cwd`, else
 * `<cwd>/.tsflow` (not created here: the first write creates it). Directories come back
 * absolute; an `s3://bucket/prefix` root comes back normalized.
 */
export function resolveDatastoreRoot(opts: ResolveRootOptions = {}): string {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const given = opts.root || (opts.env ?? process.env)[DATASTORE_ROOT_ENV];
  if (given) return isS3Root(given) ? formatS3Root(parseS3Root(given)) : path.resolve(cwd, given);
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DATASTORE_DIRNAME);
    try {
      if (fs.statSync(candidate).isDirectory()) return candidate;
    } catch {
      // not here; keep walking up
    }
    if (path.dirname(dir) === dir) break;
  }
  return path.join(cwd, DATASTORE_DIRNAME);
}

/** One S3 backend per root and process, so stores share its connections. */
const s3Backends = new Map<string, S3Backend>();

/** A backend for a root given as a directory or an `s3://bucket/prefix` URL, or the backend itself. */
export function toBackend(root: string | StorageBackend): StorageBackend {
  if (typeof root !== 'string') return root;
  if (!isS3Root(root)) return new LocalBackend(root);
  const normalized = formatS3Root(parseS3Root(root));
  let b = s3Backends.get(normalized);
  if (!b) {
    b = new S3Backend(normalized);
    s3Backends.set(normalized, b);
  }
  return b;
}

export function openFlowStore(root: string | StorageBackend, flow: string): FlowStore {
  return new BackendFlowStore(toBackend(root), flow);
}

/** Names of the flows in a datastore, sorted (folders named like a flow class; dot-folders skipped). */
export async function listFlows(root: string | StorageBackend): Promise<string[]> {
  const { dirs } = await toBackend(root).list('');
  return dirs.filter(isValidFlowName).sort();
}

// Where the local datastore is, and opening stores on it (DESIGN §3: "the nearest `.tsflow` above
// the working directory, else one created in it").

import fs from 'node:fs';
import path from 'node:path';
import { BackendFlowStore } from './flow-store.js';
import { isValidFlowName } from './layout.js';
import { LocalBackend } from './local-backend.js';
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
 * The datastore root directory (the folder that holds one folder per flow), absolute:
 * the explicit `root`, else `$TSFLOW_DATASTORE_ROOT`, else the nearest `.tsflow` directory at or
 * above `cwd`, else `<cwd>/.tsflow` (not created here: the first write creates it).
 */
export function resolveDatastoreRoot(opts: ResolveRootOptions = {}): string {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  if (opts.root) return path.resolve(cwd, opts.root);
  const fromEnv = (opts.env ?? process.env)[DATASTORE_ROOT_ENV];
  if (fromEnv) return path.resolve(cwd, fromEnv);
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

/** A backend for a root given as a directory, or the backend itself. */
export function toBackend(root: string | StorageBackend): StorageBackend {
  return typeof root === 'string' ? new LocalBackend(root) : root;
}

export function openFlowStore(root: string | StorageBackend, flow: string): FlowStore {
  return new BackendFlowStore(toBackend(root), flow);
}

/** Names of the flows in a datastore, sorted (folders named like a flow class; dot-folders skipped). */
export async function listFlows(root: string | StorageBackend): Promise<string[]> {
  const { dirs } = await toBackend(root).list('');
  return dirs.filter(isValidFlowName).sort();
}

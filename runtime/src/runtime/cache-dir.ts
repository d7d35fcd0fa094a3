// The per-user cache folder for derived files (flow bundles, lint results). Everything in it is
// content-addressed and can be deleted at any time.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function cacheDir(sub: string): string {
  const base = process.env.TSFLOW_CACHE_DIR ?? path.join(os.tmpdir(), `tsflow-${os.userInfo().uid}`);
  const dir = path.join(base, sub);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `data` to `file` atomically (temp + rename); concurrent writers of the same content are fine. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

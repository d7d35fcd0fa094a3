// The per-user cache folder for derived files (flow bundles, lint results). Everything in it is
// content-addressed and can be deleted at any time.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The folder `sub` of the cache, created unless `create` is false (a reader that only looks for
 * a file needs no mkdir). The uid comes from geteuid where there is one: os.userInfo() looks the
 * user up in the password database, several file reads in every task process.
 */
export function cacheDir(sub: string, create = true): string {
  const uid = process.geteuid?.() ?? os.userInfo().uid;
  const base = process.env.TSFLOW_CACHE_DIR ?? path.join(os.tmpdir(), `tsflow-${uid}`);
  const dir = path.join(base, sub);
  if (create) fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `data` to `file` atomically (temp + rename); concurrent writers of the same content are fine. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

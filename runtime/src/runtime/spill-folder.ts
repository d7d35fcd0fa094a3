// Local folders for prefetched artifact bytes that did not fit a task's memory budget
// (artifacts.ts). A task process removes its folder when it exits; one that is killed (SIGKILL,
// a timeout's SIGTERM, the kernel's OOM killer) cannot, and a join's spilled inputs can be
// gigabytes. So each folder is named for its host and process, and whoever makes a new one first
// removes the folders of this host's processes that no longer exist.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'tsflow-spill-';

/** This host's name as it appears in folder names (no '-', which separates the parts). */
function hostTag(): string {
  return os.hostname().replace(/[^A-Za-z0-9.]/g, '_') || 'host';
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the spill folders in `parent` left by processes of this host that have ended; returns
 * their names. Folders of other hosts (a shared temporary directory) and of live processes stay.
 */
export function sweepSpillFolders(parent: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const host = hostTag();
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const m = /^(.+)-(\d+)-[^-]+$/.exec(name.slice(PREFIX.length));
    if (!m || m[1] !== host) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processExists(pid)) continue;
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** A new spill folder of this process's own in `parent`, removed when the process exits. */
export function makeSpillFolder(parent = os.tmpdir()): string {
  sweepSpillFolders(parent);
  const dir = fs.mkdtempSync(path.join(parent, `${PREFIX}${hostTag()}-${process.pid}-`));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

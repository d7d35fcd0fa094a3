// `StorageBackend` on the local filesystem. Keys map to paths under the root.
//
// Atomicity: every write goes to a temp file in the destination folder and is then renamed into
// place (readers see the old file or the new one, never a part). `ifAbsent` writes link the temp
// file to the final name instead: link fails with EEXIST when the name is taken, so exactly one
// writer wins and the winner's file is complete the moment it appears.
//
// Small files (records, a trivial task's blobs) are read and written synchronously, and the
// promise API is reached through `fs.promises` (a lazy getter): a trivial task process then
// never loads node:fs/promises and the modules it pulls in, nor starts libuv's thread pool.
//
// Durability: no fsync by default. Rename already gives crash-atomic visibility on the
// filesystems we care about (a crash loses at most the newest records, and a run that was
// interrupted by a machine crash is failed anyway), while an fsync per record costs more than the
// rest of the write on many disks and a task writes several records. `{ fsync: true }` turns it on.

import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { StorageBackend } from './types.js';

export interface LocalBackendOptions {
  /** fsync each file before it is renamed into place (slower; off by default, see above). */
  fsync?: boolean;
}

type PutData = Buffer | string | readonly Uint8Array[];

/** Puts up to this size take the synchronous path (see putSmall). */
const SMALL_WRITE = 256 * 1024;

let tempCounter = 0;
// Random enough to keep two hosts' pids apart on a shared folder; not worth loading node:crypto.
const tempTag = `${process.pid}.${Math.random().toString(16).slice(2, 8)}`;

/** Temp files are dot-files in the destination folder, so `list` skips them and rename stays on one filesystem. */
function tempPathFor(file: string): string {
  tempCounter += 1;
  return path.join(path.dirname(file), `.${path.basename(file)}.${tempTag}.${tempCounter}.tmp`);
}

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

export class LocalBackend implements StorageBackend {
  readonly kind = 'local' as const;
  readonly root: string;
  private readonly fsync: boolean;
  /** Folders known to exist, to skip a mkdir per write. A miss (folder deleted since) is retried. */
  private readonly knownDirs = new Set<string>();

  constructor(root: string, opts: LocalBackendOptions = {}) {
    this.root = path.resolve(root);
    this.fsync = opts.fsync ?? false;
  }

  /** The absolute path of a key. Keys are '/'-separated; empty, '.' and '..' segments are refused. */
  pathOf(key: string): string {
    if (key === '') return this.root;
    const parts = key.split('/');
    for (const p of parts) {
      if (p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0')) {
        throw new Error(`invalid datastore key ${JSON.stringify(key)}`);
      }
    }
    return path.join(this.root, ...parts);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.promises.readFile(this.pathOf(key));
    } catch (e) {
      if (errCode(e) === 'ENOENT') return null;
      throw e;
    }
  }

  getSync = (key: string): Buffer | null => {
    try {
      return fs.readFileSync(this.pathOf(key));
    } catch (e) {
      if (errCode(e) === 'ENOENT') return null;
      throw e;
    }
  };

  async put(key: string, data: PutData, opts: { ifAbsent?: boolean } = {}): Promise<boolean> {
    const file = this.pathOf(key);
    // A small blob comes as chunks (header + bytes); a record as one string or buffer.
    const chunks = Array.isArray(data) ? (data as readonly Uint8Array[]) : undefined;
    const size = chunks ? chunks.reduce((n, c) => n + c.byteLength, 0) : (data as Buffer | string).length;
    if (!this.fsync && size <= SMALL_WRITE)
      return this.putSmall(file, chunks ? Buffer.concat(chunks) : (data as Buffer | string), opts);
    const tmp = tempPathFor(file);
    await this.withDir(path.dirname(file), () => this.writeNew(tmp, data));
    let tmpExists = true;
    try {
      if (opts.ifAbsent) return await linkExclusive(tmp, file);
      await fs.promises.rename(tmp, file);
      tmpExists = false;
      return true;
    } finally {
      if (tmpExists) await fs.promises.rm(tmp, { force: true });
    }
  }

  /**
   * Records (run, task, attempt JSON) and most blobs are small and a task writes several: written synchronously
   * they cost a fraction of the promise-based path (file handles, thread-pool round trips),
   * which matters when a task's whole overhead budget is a few tens of milliseconds.
   */
  private putSmall(file: string, data: Buffer | string, opts: { ifAbsent?: boolean }): boolean {
    const dir = path.dirname(file);
    const tmp = tempPathFor(file);
    const write = () => fs.writeFileSync(tmp, data, { flag: 'wx' });
    if (!this.knownDirs.has(dir)) fs.mkdirSync(dir, { recursive: true });
    try {
      write();
    } catch (e) {
      if (errCode(e) !== 'ENOENT') throw e;
      fs.mkdirSync(dir, { recursive: true });
      write();
    }
    this.knownDirs.add(dir);
    if (!opts.ifAbsent) {
      fs.renameSync(tmp, file);
      return true;
    }
    try {
      return linkExclusiveSync(tmp, file);
    } finally {
      unlinkIfThere(tmp);
    }
  }

  /** A stat: synchronous, as small reads are (see above). */
  async exists(key: string): Promise<boolean> {
    try {
      return fs.statSync(this.pathOf(key), { throwIfNoEntry: false })?.isFile() ?? false;
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return false;
      throw e;
    }
  }

  async list(prefix: string): Promise<{ dirs: string[]; files: string[] }> {
    const dir = this.pathOf(prefix.replace(/\/+$/, ''));
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return { dirs: [], files: [] };
      throw e;
    }
    const dirs: string[] = [];
    const files: string[] = [];
    for (const e of entries) {
      // Dot entries are temp files (or not ours): never part of the store.
      if (e.name.startsWith('.')) continue;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const st = await fs.promises.stat(path.join(dir, e.name)).catch(() => null);
        isDir = st?.isDirectory() ?? false;
        isFile = st?.isFile() ?? false;
      }
      if (isDir) dirs.push(e.name);
      else if (isFile) files.push(e.name);
    }
    dirs.sort();
    files.sort();
    return { dirs, files };
  }

  async stat(key: string): Promise<{ size: number; modifiedAt: number } | null> {
    try {
      const st = await fs.promises.stat(this.pathOf(key));
      return { size: st.size, modifiedAt: st.mtimeMs };
    } catch (e) {
      if (errCode(e) === 'ENOENT') return null;
      throw e;
    }
  }

  async touch(key: string): Promise<boolean> {
    const now = new Date();
    try {
      fs.utimesSync(this.pathOf(key), now, now);
      return true;
    } catch (e) {
      if (errCode(e) === 'ENOENT') return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    // Never the whole datastore by accident (an empty prefix would be the root).
    if (prefix.replace(/\/+$/, '') === '')
      throw new Error('deletePrefix: refusing to delete the datastore root');
    const dir = this.pathOf(prefix.replace(/\/+$/, ''));
    await fs.promises.rm(dir, { recursive: true, force: true });
    for (const d of this.knownDirs) {
      if (d === dir || d.startsWith(dir + path.sep)) this.knownDirs.delete(d);
    }
  }

  /** O_APPEND writes: each call lands whole at the end, so a concurrent reader sees whole appends or a torn last line. */
  async append(key: string, data: string): Promise<void> {
    const file = this.pathOf(key);
    await this.withDir(path.dirname(file), () => fs.promises.appendFile(file, data));
  }

  /** Runs `write` with `dir` created, creating it (again) if the write finds it missing. */
  private async withDir<T>(dir: string, write: () => Promise<T>): Promise<T> {
    if (!this.knownDirs.has(dir)) {
      await fs.promises.mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    try {
      return await write();
    } catch (e) {
      if (errCode(e) !== 'ENOENT') throw e;
      this.knownDirs.delete(dir);
      await fs.promises.mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
      return await write();
    }
  }

  private async writeNew(file: string, data: PutData): Promise<void> {
    if (!this.fsync && !Array.isArray(data)) {
      await fs.promises.writeFile(file, data as Buffer | string, { flag: 'wx' });
      return;
    }
    const handle = await fs.promises.open(file, 'wx');
    try {
      if (typeof data === 'string') await handle.writeFile(data);
      else await writeAll(handle, Array.isArray(data) ? (data as readonly Uint8Array[]) : [data as Buffer]);
      if (this.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** writev until every byte is out (the kernel may take fewer bytes, or fewer buffers, per call). */
async function writeAll(handle: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  let pending = chunks.filter((c) => c.byteLength > 0);
  while (pending.length > 0) {
    let { bytesWritten } = await handle.writev(pending as Uint8Array[]);
    if (bytesWritten === 0) throw new Error('writev wrote nothing (disk full?)');
    let i = 0;
    while (i < pending.length && bytesWritten >= pending[i]!.byteLength)
      bytesWritten -= pending[i++]!.byteLength;
    pending = pending.slice(i);
    if (bytesWritten > 0) pending[0] = pending[0]!.subarray(bytesWritten);
  }
}

/** `fs.rmSync(file, { force: true })` without loading Node's rimraf, which rmSync does. */
function unlinkIfThere(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (e) {
    if (errCode(e) !== 'ENOENT') throw e;
  }
}

/** Publishes `tmp` as `file` only if `file` does not exist yet. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** linkExclusive, synchronously (same fallback for filesystems without hard links). */
function linkExclusiveSync(tmp: string, file: string): boolean {
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if (errCode(e) === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(errCode(e) ?? '')) throw e;
    try {
      fs.copyFileSync(tmp, file, fs.constants.COPYFILE_EXCL);
      return true;
    } catch (e2) {
      if (errCode(e2) === 'EEXIST') return false;
      throw e2;
    }
  }
}

async function linkExclusive(tmp: string, file: string): Promise<boolean> {
  try {
    await fs.promises.link(tmp, file);
    return true;
  } catch (e) {
    const code = errCode(e);
    if (code === 'EEXIST') return false;
    // Filesystems without hard links: an exclusive copy still lets exactly one writer win, though
    // a reader racing the copy could see a short file there.
    if (
      code === 'EPERM' ||
      code === 'ENOTSUP' ||
      code === 'EOPNOTSUPP' ||
      code === 'ENOSYS' ||
      code === 'EXDEV'
    ) {
      try {
        await fs.promises.copyFile(tmp, file, fs.constants.COPYFILE_EXCL);
        return true;
      } catch (e2) {
        if (errCode(e2) === 'EEXIST') return false;
        throw e2;
      }
    }
    throw e;
  }
}

// V8 code caches for CommonJS code a short process loads: the TypeScript compiler that a lint
// loads (9 MB of JavaScript: about half a second of parsing and compiling on every cold lint,
// against a tenth of that to deserialize its cache) through `useCodeCache`, and the task runner
// (task-main.ts) through `compileCached`. Node 20 has no compile cache of its own. Caches live in
// the tsflow cache folder; a process that finds none, or one V8 rejects, writes one on exit,
// holding every function it compiled. Nothing here can fail a load: any trouble with the cache
// falls back to a compile from source.

import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { cacheDir, writeAtomic } from './cache-dir.js';

interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}

interface ModuleStatics {
  prototype: CjsModule;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _extensions: unknown;
  _cache: unknown;
}

/** The TypeScript compiler, as installed next to the runtime. */
export const TYPESCRIPT_FILES = /[\\/]node_modules[\\/]typescript[\\/]lib[\\/]typescript\.js$/;

const pending: { file: string; script: vm.Script }[] = [];
let installed = false;

/** Writes the caches of this process's scripts that had none (or a rejected one) when it exits. */
function writeOnExit(file: string, script: vm.Script): void {
  if (pending.length === 0) {
    process.once('exit', () => {
      for (const p of pending.splice(0)) {
        try {
          fs.mkdirSync(path.dirname(p.file), { recursive: true });
          writeAtomic(p.file, p.script.createCachedData());
        } catch {
          // A read-only or full disk costs the next process a compile, nothing more.
        }
      }
    });
  }
  pending.push({ file, script });
}

/**
 * A 64-bit hash of a short string, as hex. Names cache files only (a collision costs a rejected
 * cache, and V8 checks what it accepts); `node:crypto` would cost a task process more to load
 * than the whole compile it saves.
 */
export function keyHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** What identifies a file's content for a cache key without reading it: path, size, time, inode. */
export function fileIdentity(filename: string, st: fs.Stats): string {
  return `${filename}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
}

/**
 * CommonJS `source` (unwrapped) compiled from the cache file `<name>-<key>.bin`, where the key
 * hashes `identity` (what makes this code this code: its path, size, time and inode, see
 * fileIdentity; a rebuild writes a new file) with Node's version and flags: V8 checks a cache
 * against the source's length only, and rejects one made under other flags, so processes started
 * with other flags keep caches of their own. Without a usable cache the source is compiled and
 * its cache written when the process exits.
 */
export function compileCached(filename: string, source: string, name: string, identity: string): vm.Script {
  const key = keyHash(`${process.version}\0${process.execArgv.join(' ')}\0${identity}`);
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  try {
    cacheFile = path.join(cacheDir('v8', false), `${name}-${key}.bin`);
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet (or no cache folder at all): compile from source.
  }
  const script = new vm.Script(Module.wrap(source), { filename, cachedData });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) writeOnExit(cacheFile, script);
  return script;
}

/** Compiles CommonJS files whose path matches `files` from (and into) V8 code caches. */
export function useCodeCache(files: RegExp): void {
  if (installed) return;
  installed = true;
  const statics = Module as unknown as ModuleStatics;
  const original = statics.prototype._compile;
  statics.prototype._compile = function _compile(this: CjsModule, content: string, filename: string) {
    if (!files.test(filename)) return original.call(this, content, filename);
    let st: fs.Stats;
    try {
      st = fs.statSync(filename);
    } catch {
      return original.call(this, content, filename);
    }
    const script = compileCached(
      filename,
      content,
      path.basename(filename, '.js'),
      fileIdentity(filename, st),
    );
    const require = Object.assign((id: string) => this.require(id), {
      resolve: (request: string, options?: unknown) =>
        statics._resolveFilename(request, this, false, options),
      main: (process as unknown as { mainModule?: unknown }).mainModule,
      extensions: statics._extensions,
      cache: statics._cache,
    });
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return fn.call(this.exports, this.exports, require, this, filename, path.dirname(filename));
  };
}

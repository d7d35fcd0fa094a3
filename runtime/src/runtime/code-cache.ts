// V8 code caches for big CommonJS files a short process loads, e.g. the TypeScript compiler that a
// lint loads (9 MB of JavaScript: about half a second of parsing and compiling on every cold
// lint, against a tenth of that to deserialize its cache). Node 20 has no compile cache of its
// own. The cache of a file lives in the tsflow cache folder, keyed by the file's path, size and
// time and Node's version and flags; a process that finds none, or one V8 rejects, writes one on
// exit, holding every function it compiled. Nothing here can fail a load: any trouble with the
// cache falls back to Node's own compile.

import crypto from 'node:crypto';
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

function cacheFileFor(filename: string): string {
  const st = fs.statSync(filename);
  const key = crypto
    .createHash('sha1')
    .update(`${filename}\0${st.size}\0${st.mtimeMs}\0${process.version}\0${process.execArgv.join(' ')}`)
    .digest('hex')
    .slice(0, 24);
  return path.join(cacheDir('v8'), `${path.basename(filename, '.js')}-${key}.bin`);
}

/** Compiles CommonJS files whose path matches `files` from (and into) V8 code caches. */
export function useCodeCache(files: RegExp): void {
  if (installed) return;
  installed = true;
  const statics = Module as unknown as ModuleStatics;
  const original = statics.prototype._compile;
  statics.prototype._compile = function _compile(this: CjsModule, content: string, filename: string) {
    if (!files.test(filename)) return original.call(this, content, filename);
    let cacheFile: string;
    let cachedData: Buffer | undefined;
    try {
      cacheFile = cacheFileFor(filename);
      if (fs.existsSync(cacheFile)) cachedData = fs.readFileSync(cacheFile);
    } catch {
      return original.call(this, content, filename);
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) pending.push({ file: cacheFile, script });
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
  process.once('exit', () => {
    for (const { file, script } of pending.splice(0)) {
      try {
        writeAtomic(file, script.createCachedData());
      } catch {
        // A read-only or full disk costs the next process a compile, nothing more.
      }
    }
  });
}

// Entry point of a local task process: `node task.cjs <bundle.mjs>` (built as CommonJS). It runs
// the task runner (worker.ts, built as dist/worker.cjs) compiled from V8's code cache instead of
// from source: a task process is short and runs the same 100 KB of runner code every time, and
// compiling it was a fixed share of every trivial task's CPU. Node 20 has no compile cache of its
// own, and ES modules cannot take one, hence CommonJS and vm.Script. The cache lives in the
// tsflow cache folder, one file per runner build and Node version; the first task process that
// finds none (or one V8 rejects) writes it as it exits, with every function the task compiled.

import crypto from 'node:crypto';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { IMPORT_MODULE } from '../util/import-module.js';
import { cacheDir, writeAtomic } from './cache-dir.js';

// Code from the cache cannot call import() itself (see util/import-module.ts): this file can.
(globalThis as Record<symbol, unknown>)[IMPORT_MODULE] = (specifier: string) => import(specifier);

const runner = path.join(__dirname, 'worker.cjs');
const source = fs.readFileSync(runner, 'utf8');
// V8 checks a cache against the source's length only: the key must change with the content. V8
// also rejects a cache made under other flags, so processes started with other Node flags
// (TSFLOW_TASK_NODE_ARGS) keep a cache of their own instead of rewriting a shared one each time.
const key = crypto
  .createHash('sha1')
  .update(`${process.version}\0${process.execArgv.join(' ')}\0`)
  .update(source)
  .digest('hex')
  .slice(0, 24);
let cacheFile: string | undefined;
let cachedData: Buffer | undefined;
try {
  cacheFile = path.join(cacheDir('v8'), `task-runner-${key}.bin`);
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // No cache yet (or no cache folder at all): compile from source.
}
const script = new vm.Script(Module.wrap(source), { filename: runner, cachedData });
if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
  const file = cacheFile;
  process.once('exit', () => {
    try {
      writeAtomic(file, script.createCachedData());
    } catch {
      // A read-only or full disk costs the next task a compile, nothing more.
    }
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, Module.createRequire(runner), module, runner, path.dirname(runner));

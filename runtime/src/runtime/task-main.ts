// Entry point of a local task process: `node task.cjs <bundle.mjs>` (built as CommonJS). It runs
// the task runner (worker.ts, built as dist/worker.cjs) compiled from V8's code cache instead of
// from source: a task process is short and runs the same 100 KB of runner code every time, and
// compiling it was a fixed share of every trivial task's CPU. Node 20 has no compile cache of its
// own, and ES modules cannot take one, hence CommonJS and vm.Script (code-cache.ts): one cache
// per runner file (a build writes a new one), Node version and flags, written by the first task
// process that finds none.

// First: before any other module (node:module among them) loads. See heap-flags.ts.
import './heap-flags.js';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { IMPORT_MODULE } from '../util/import-module.js';
import { compileCached, fileIdentity } from './code-cache.js';

// Code from the cache cannot call import() itself (see util/import-module.ts): this file can.
(globalThis as Record<symbol, unknown>)[IMPORT_MODULE] = (specifier: string) => import(specifier);

const runner = path.join(__dirname, 'worker.cjs');
const source = fs.readFileSync(runner, 'utf8');
const script = compileCached(runner, source, 'task-runner', fileIdentity(runner, fs.statSync(runner)));
const module = { exports: {} };
script.runInThisContext()(module.exports, Module.createRequire(runner), module, runner, path.dirname(runner));

// Builds every bundle of the repo with esbuild. Today: the runtime package (library, CLI, task
// worker, client, graph), the language server and the VS Code extension (scripts/build-extension.mjs).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const runtime = path.join(root, 'runtime');
const dist = path.join(runtime, 'dist');

/**
 * Builds into `<dir>.next`, then swaps it in with two renames: a `tsflow run` (or a test) that is
 * running while the repo rebuilds finds either the old files or the new ones, never an empty or
 * half-written folder, as it did when the build deleted dist/ first.
 */
function staged(dir) {
  const next = `${dir}.next`;
  fs.rmSync(next, { recursive: true, force: true });
  return {
    next,
    commit() {
      const old = `${dir}.old-${process.pid}`;
      if (fs.existsSync(dir)) fs.renameSync(dir, old);
      fs.renameSync(next, dir);
      fs.rmSync(old, { recursive: true, force: true });
    },
  };
}

const runtimeOut = staged(dist);
const outdir = runtimeOut.next;

const started = performance.now();
const common = {
  absWorkingDir: runtime,
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Dependencies stay external: ts-morph is large and only the linter loads it; esbuild and
  // snappy ship native binaries.
  packages: 'external',
  logLevel: 'warning',
};
await Promise.all([
  // What a task process loads, each as ONE file: every extra module costs every task a resolve
  // and a compile. They share no class identity with the CLI's copy and need none: flows are
  // recognised through Symbol.for() markers (runtime/src/flow/symbols.ts).
  build({
    ...common,
    entryPoints: {
      index: 'src/index.ts',
      // Also the entry of `tsflow spin` (under --inspect) and of Batch code packages.
      worker: 'src/runtime/worker.ts',
    },
  }),
  // Local task processes: `task.cjs` runs `worker.cjs` (the same runner as CommonJS) from V8's
  // code cache (see src/runtime/task-main.ts).
  build({
    ...common,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    entryPoints: {
      task: 'src/runtime/task-main.ts',
      worker: 'src/runtime/worker.ts',
    },
    define: { 'import.meta.url': '__tsflowModuleUrl' },
    banner: { js: 'const __tsflowModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  // The CLI, the client and the graph share chunks.
  build({
    ...common,
    // prepare.js is here so the graph module (and ts-morph) stays a chunk it loads only when
    // the lint cache misses.
    entryPoints: {
      cli: 'src/cli/main.ts',
      client: 'src/client/index.ts',
      graph: 'src/graph/index.ts',
      prepare: 'src/runtime/prepare-main.ts',
    },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
]);
runtimeOut.commit();
console.log(`built runtime/dist in ${Math.round(performance.now() - started)} ms`);

// The language server: one ESM bundle with vscode-languageserver inside (a cold start loads one
// file), the graph module from the runtime's source (one implementation), ts-morph external.
const serverStarted = performance.now();
const server = path.join(root, 'server');
const serverOut = staged(path.join(server, 'dist'));
await build({
  ...common,
  absWorkingDir: server,
  outdir: serverOut.next,
  entryPoints: { main: 'src/main.ts', index: 'src/index.ts', protocol: 'src/protocol.ts' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  packages: undefined,
  external: ['ts-morph'],
  // The bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __tsflowRequire } from 'node:module'; const require = __tsflowRequire(import.meta.url);",
  },
});
serverOut.commit();
console.log(`built server/dist in ${Math.round(performance.now() - serverStarted)} ms`);

// The VS Code extension (out/): client, language server, the runtime it ships, webviews.
await (await import('./build-extension.mjs')).buildExtension();

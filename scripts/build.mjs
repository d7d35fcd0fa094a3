// Builds every bundle of the repo with esbuild. Today: the runtime package (library, CLI, task
// worker, client, graph), the language server and the VS Code extension (scripts/build-extension.mjs).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import { CJS_IMPORT_META_URL, ESM_REQUIRE_BANNER } from './esbuild-shared.mjs';

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

/**
 * `import ts from 'typescript'` becomes `require('typescript')`: Node's ES module loader compiles
 * the CommonJS files it imports itself, past the hook that serves them from a V8 code cache
 * (src/runtime/code-cache.ts); a require goes through it. Needs `require` in scope (ESM_REQUIRE_BANNER).
 */
const typescriptViaRequire = {
  name: 'typescript-via-require',
  setup(b) {
    b.onResolve({ filter: /^typescript$/ }, (args) =>
      // The wrapper's own require stays a require of the real package.
      args.namespace === 'typescript-via-require'
        ? { path: 'typescript', external: true }
        : { path: 'typescript', namespace: 'typescript-via-require' },
    );
    b.onLoad({ filter: /.*/, namespace: 'typescript-via-require' }, () => ({
      contents: "module.exports = require('typescript');",
      loader: 'js',
    }));
  },
};

/**
 * In CommonJS output esbuild turns `import fs from 'node:fs'` into `__toESM(require("node:fs"), 1)`,
 * which defines a getter for every export of the module on a new object: for node:fs a hundred,
 * at each of the task runner's import sites, in every task process. A built-in needs only a
 * `default` beside its own exports, which an object inheriting from it gives at once. Rewrites
 * those calls in the CommonJS files of `dir` (the source maps stay right: only columns within
 * those lines move).
 */
function lightBuiltinInterop(dir) {
  const helper =
    'function __tsflowBuiltin(m) { return Object.create(m, { default: { value: m, enumerable: true } }); }\n';
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.cjs'))) {
    const file = path.join(dir, name);
    const src = fs.readFileSync(file, 'utf8');
    const out = src.replace(/__toESM\((require\("node:[\w/]+"\)), 1\)/g, '__tsflowBuiltin($1)');
    if (out === src) continue;
    const map = out.lastIndexOf('//# sourceMappingURL=');
    fs.writeFileSync(file, map < 0 ? out + helper : out.slice(0, map) + helper + out.slice(map));
  }
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
  // Dependencies stay external: TypeScript is large and only the linter loads it; esbuild and
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
    ...CJS_IMPORT_META_URL,
  }),
  // The CLI, the client and the graph share chunks.
  build({
    ...common,
    // prepare.js is here so the graph module (and TypeScript) stays a chunk it loads only when
    // the lint cache misses.
    entryPoints: {
      cli: 'src/cli/main.ts',
      client: 'src/client/index.ts',
      graph: 'src/graph/index.ts',
      prepare: 'src/runtime/prepare-main.ts',
    },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [typescriptViaRequire],
    banner: { js: ESM_REQUIRE_BANNER },
  }),
]);
lightBuiltinInterop(outdir);
runtimeOut.commit();
console.log(`built runtime/dist in ${Math.round(performance.now() - started)} ms`);

// The language server: one ESM bundle with vscode-languageserver inside (a cold start loads one
// file), the graph module from the runtime's source (one implementation), TypeScript external (a
// CommonJS file, so a V8 code cache can serve it: runtime/src/runtime/code-cache.ts).
const serverStarted = performance.now();
const server = path.join(root, 'server');
const serverOut = staged(path.join(server, 'dist'));
await build({
  ...common,
  absWorkingDir: server,
  outdir: serverOut.next,
  entryPoints: {
    main: 'src/main.ts',
    index: 'src/index.ts',
    protocol: 'src/protocol.ts',
    'code-cache': 'src/code-cache.ts',
  },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  packages: undefined,
  external: ['typescript'],
  plugins: [typescriptViaRequire],
  // The bundled CommonJS packages call require() for Node built-ins (and TypeScript, above).
  banner: { js: ESM_REQUIRE_BANNER },
});
serverOut.commit();
console.log(`built server/dist in ${Math.round(performance.now() - serverStarted)} ms`);

// The VS Code extension (out/): client, language server, the runtime it ships, webviews.
await (await import('./build-extension.mjs')).buildExtension();

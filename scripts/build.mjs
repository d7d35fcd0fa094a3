// Builds every bundle of the repo with esbuild. Today: the runtime package (library, CLI, task
// worker, client, graph). Entry points share chunks (splitting) so the flow API that a flow bundle
// imports and the one the task worker drives are the same module instance.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const runtime = path.join(root, 'runtime');
const outdir = path.join(runtime, 'dist');
fs.rmSync(outdir, { recursive: true, force: true });

const started = performance.now();
await build({
  absWorkingDir: runtime,
  entryPoints: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
    worker: 'src/runtime/worker.ts',
    client: 'src/client/index.ts',
    graph: 'src/graph/index.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Dependencies stay external: ts-morph is large and only the linter loads it; esbuild and
  // snappy ship native binaries.
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
console.log(`built runtime/dist in ${Math.round(performance.now() - started)} ms`);

// Builds the VS Code extension into out/ (the layout is the same in the repo and in the .vsix):
//   out/extension.js      the extension host side (client/), CommonJS, `vscode` external
//   out/server.mjs        the language server (server/), TypeScript's compiler bundled in
//   out/runtime/          the runtime the extension runs flows with: bin/tsflow.js + dist/, with
//                         every pure-JS dependency bundled; only native packages (esbuild, snappy)
//                         stay outside, shipped in the .vsix's node_modules/
//   out/webviews/         browser bundles (IIFE): dag.js (the DAG page) loading dag-mermaid.js (Mermaid),
//                         artifact.js (vscode-elements)
// Called by scripts/build.mjs after the runtime build; `node scripts/build-extension.mjs` alone also works.

import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CJS_IMPORT_META_URL } from './esbuild-shared.mjs';
import { flowchartOnlyMermaid } from './mermaid-bundle.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'out');

/** Packages the runtime loads with a native binary: shipped as they are, never bundled. */
export const NATIVE_PACKAGES = ['esbuild', 'snappy'];

/**
 * The AWS SDK packages the runtime loads on demand (S3 datastore, Batch): kept out of the client
 * and runtime bundles (they would add ~600 KB to every activation) and shipped in the .vsix as
 * one bundle each (scripts/package-vscode.mjs), which the runtime's require() finds.
 */
export const LAZY_PACKAGES = Object.keys(
  JSON.parse(fs.readFileSync(path.join(root, 'runtime', 'package.json'), 'utf8')).dependencies ?? {},
).filter((n) => n.startsWith('@aws-sdk/'));

// The runtime's entry points, as scripts/build.mjs builds them into runtime/dist. checkRuntimeEntries()
// fails the build when the two lists drift apart.
const RUNTIME_SINGLE = {
  index: 'src/index.ts',
  worker: 'src/runtime/worker.ts',
};
/** CommonJS: the local task entry point and the task runner it loads from V8's code cache. */
const RUNTIME_CJS = {
  task: 'src/runtime/task-main.ts',
  worker: 'src/runtime/worker.ts',
};
const RUNTIME_SHARED = {
  cli: 'src/cli/main.ts',
  client: 'src/client/index.ts',
  graph: 'src/graph/index.ts',
  prepare: 'src/runtime/prepare-main.ts',
};

// Bundled CommonJS packages (TypeScript) call require() and read __filename / __dirname.
const ESM_REQUIRE_BANNER = [
  "import { createRequire as __tsflowRequire } from 'node:module';",
  "import { fileURLToPath as __tsflowPath } from 'node:url';",
  'const require = __tsflowRequire(import.meta.url);',
  'const __filename = __tsflowPath(import.meta.url);',
  "const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');",
].join(' ');

/**
 * Rewrites a minified browser bundle as ASCII, so that it means the same whatever encoding the
 * page or the server declares for it. esbuild escapes non-ASCII characters everywhere but in
 * regular expression literals (Mermaid's entity placeholders `/ﬂ°°/g`, read as windows-1252 on a
 * page without a charset, never matched). Every UTF-16 unit outside ASCII becomes `\uXXXX`, which
 * means the same character in a string, a template, an identifier and a regular expression (a
 * surrogate pair of escapes is one code point under the `u` flag too).
 */
function asciiOnly(file) {
  const src = fs.readFileSync(file, 'utf8');
  // An escaped non-ASCII character (`\ﬂ`) would become a backslash and text: never seen, refused.
  if (/\\[\u0080-\uffff]/.test(src))
    throw new Error(`build-extension: ${file} escapes a non-ASCII character`);
  const ascii = src.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== src) fs.writeFileSync(file, ascii);
}

function checkRuntimeEntries() {
  const list = (dir) =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.js') || f.endsWith('.cjs'))
          .sort()
      : null;
  const repo = list(path.join(root, 'runtime', 'dist'));
  const ours = list(path.join(out, 'runtime', 'dist'));
  if (repo && ours && repo.join() !== ours.join()) {
    throw new Error(
      `the extension's runtime build (out/runtime/dist: ${ours.join(', ')}) no longer matches runtime/dist (${repo.join(', ')}): update the entries in scripts/build-extension.mjs`,
    );
  }
}

export async function buildExtension({ log = console.log } = {}) {
  const started = performance.now();
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  // out/ is CommonJS (the extension host `require`s extension.js); .mjs and out/runtime are ESM.
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "commonjs" }\n');

  const node = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
  };
  const runtimeOut = path.join(out, 'runtime');
  const runtimeCommon = {
    ...node,
    absWorkingDir: path.join(root, 'runtime'),
    outdir: path.join(runtimeOut, 'dist'),
    format: 'esm',
    minifyWhitespace: true,
    external: [...NATIVE_PACKAGES, ...LAZY_PACKAGES],
    banner: { js: ESM_REQUIRE_BANNER },
  };
  await Promise.all([
    // The client: activation cost is this one file's load, so it is minified.
    build({
      ...node,
      // lsp-impl: the language client library, loaded when the server starts (after activation).
      entryPoints: {
        extension: path.join(root, 'client/src/extension.ts'),
        'lsp-impl': path.join(root, 'client/src/lsp-impl.ts'),
      },
      outdir: out,
      format: 'cjs',
      minify: true,
      sourcemap: 'linked',
      external: ['vscode', ...NATIVE_PACKAGES, ...LAZY_PACKAGES],
      // The runtime's client API is ESM source that reads `import.meta.url` (to require snappy).
      ...CJS_IMPORT_META_URL,
    }),
    // The language server, as one ESM file with TypeScript inside.
    build({
      ...node,
      entryPoints: [path.join(root, 'client/src/server-main.ts')],
      outfile: path.join(out, 'server.mjs'),
      format: 'esm',
      // No source map: TypeScript's would be 20 MB and take most of the build.
      minifySyntax: true,
      minifyWhitespace: true,
      banner: { js: ESM_REQUIRE_BANNER },
    }),
    build({ ...runtimeCommon, entryPoints: RUNTIME_SINGLE }),
    build({
      ...runtimeCommon,
      entryPoints: RUNTIME_CJS,
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      ...CJS_IMPORT_META_URL,
    }),
    build({
      ...runtimeCommon,
      entryPoints: RUNTIME_SHARED,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
    }),
    // Webviews: browser IIFEs; Mermaid (lazy diagram chunks included) only in the DAG panel's.
    build({
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      logLevel: 'warning',
      legalComments: 'none',
      entryPoints: {
        // The page (small: drawn and asking for the graph at once) and Mermaid, which it loads.
        dag: path.join(root, 'webviews/src/dag/main.ts'),
        'dag-mermaid': path.join(root, 'webviews/src/dag/load-mermaid.ts'),
        artifact: path.join(root, 'webviews/src/artifact/main.ts'),
      },
      outdir: path.join(out, 'webviews'),
      external: ['fs'],
      plugins: [flowchartOnlyMermaid],
    }),
  ]);
  for (const f of fs.readdirSync(path.join(out, 'webviews'))) {
    if (f.endsWith('.js')) asciiOnly(path.join(out, 'webviews', f));
  }
  fs.mkdirSync(path.join(runtimeOut, 'bin'), { recursive: true });
  fs.copyFileSync(path.join(root, 'runtime', 'bin', 'tsflow.js'), path.join(runtimeOut, 'bin', 'tsflow.js'));
  fs.writeFileSync(path.join(runtimeOut, 'package.json'), '{ "name": "tsflow", "type": "module" }\n');
  for (const [from, to] of [
    ['webviews/src/dag/dag.css', 'dag.css'],
    ['webviews/src/artifact/artifact.css', 'artifact.css'],
  ]) {
    fs.copyFileSync(path.join(root, from), path.join(out, 'webviews', to));
  }
  checkRuntimeEntries();
  log(`built out/ (extension, server, runtime, webviews) in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await buildExtension();
}

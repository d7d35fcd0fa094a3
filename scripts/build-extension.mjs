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
/**
 * The DAG panel draws flowcharts only: Mermaid's other diagram types (and KaTeX, for math in
 * labels, which the panel never has: it escapes `$`) are loaded through dynamic imports from its
 * diagram registry; they are replaced by empty modules so the bundle the webview parses on every
 * open is a fraction of the size.
 */
/**
 * Replaces the text `from` with `to` in the files `filter` matches (those without it load as they
 * are), and warns when the build ends without having found it: a dependency upgrade that moved
 * the code leaves the bundle working, only slower.
 */
function patchSource(b, { filter, from, to, missing }) {
  let found = false;
  b.onLoad({ filter }, async (args) => {
    const src = await fs.promises.readFile(args.path, 'utf8');
    if (!src.includes(from)) return undefined;
    found = true;
    return { contents: src.replace(from, to), loader: 'js' };
  });
  b.onEnd(() => {
    if (!found) console.warn(`build-extension: ${missing}`);
  });
}

const flowchartOnlyMermaid = {
  name: 'flowchart-only-mermaid',
  setup(b) {
    b.onResolve({ filter: /^\.\/chunks\/mermaid\.core\/.+\.mjs$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !/[\\/]mermaid\.core\.mjs$/.test(args.importer)) return undefined;
      if (/\/flowDiagram-/.test(args.path)) return undefined;
      return { path: args.path, namespace: 'tsflow-unused-diagram' };
    });
    // Layouts other than dagre (the panel asks for `layout: 'dagre'`): cose-bilkent brings
    // Cytoscape (~500 KB minified), swimlanes ~300 KB; and the size-capture debugging hook.
    b.onResolve({ filter: /^\.\/(?:cose-bilkent|swimlanes|sizeCapture)-[A-Z0-9]+\.mjs$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !/[\\/]chunks[\\/]mermaid\.core[\\/]/.test(args.importer))
        return undefined;
      return { path: args.path, namespace: 'tsflow-unused-diagram' };
    });
    b.onResolve({ filter: /^katex$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: 'katex', namespace: 'tsflow-unused-diagram' } : undefined,
    );
    // Mermaid's getConfig() deep-copies the whole configuration at every call, several times per
    // node and label: most of a 100-step render. The copy is made once per configuration instead
    // (setConfig / initialize replace `currentConfig`, which renews it). Flowchart code only
    // writes back a value it read (`arrowMarkerAbsolute`), so sharing the copy is safe.
    patchSource(b, {
      filter: /mermaid\.core[\\/]chunk-[A-Z0-9]+\.mjs$/,
      from: [
        'var getConfig = /* @__PURE__ */ __name(() => {',
        '  return assignWithDepth_default({}, currentConfig);',
        '}, "getConfig");',
      ].join('\n'),
      to: [
        'var getConfigOf, getConfigCopy;',
        'var getConfig = /* @__PURE__ */ __name(() => {',
        '  if (getConfigOf !== currentConfig) {',
        '    getConfigOf = currentConfig;',
        '    getConfigCopy = assignWithDepth_default({}, currentConfig);',
        '  }',
        '  return getConfigCopy;',
        '}, "getConfig");',
      ].join('\n'),
      missing: 'mermaid getConfig() not found; DAG renders take the slow path',
    });
    // js-yaml (~40 KB minified, and its schemas are compiled at load) parses front matter and
    // `@{ … }` node metadata, neither of which the panel's generated source has: its chunk (the
    // one that holds js-yaml alone and exports `load` and `JSON_SCHEMA`) becomes a stub.
    let yamlStubbed = false;
    b.onLoad({ filter: /mermaid\.core[\\/]chunk-[A-Z0-9]+\.mjs$/ }, async (args) => {
      const src = await fs.promises.readFile(args.path, 'utf8');
      const sources = [...src.matchAll(/^\/\/ (\S+)$/gm)].map((m) => m[1]);
      if (sources.length === 0 || !sources.every((s) => /[\\/]js-yaml[\\/]/.test(s))) return undefined;
      if (!/export \{\s*JSON_SCHEMA,\s*load\s*\};?\s*$/.test(src)) return undefined;
      yamlStubbed = true;
      return {
        contents: [
          'export const JSON_SCHEMA = {};',
          "export const load = () => { throw new Error('YAML (front matter, node metadata) is not bundled: the DAG panel never generates it'); };",
        ].join('\n'),
        loader: 'js',
      };
    });
    b.onEnd(() => {
      if (!yamlStubbed)
        console.warn('build-extension: mermaid js-yaml chunk not found; the DAG bundle keeps js-yaml');
    });
    // dagre's crossing minimisation sweeps the layers until four sweeps in a row found no better
    // ordering than the best so far, even when that best has no crossing at all (a chain of steps,
    // most flows): nothing can beat 0, and only the best ordering is kept, so stopping there
    // draws the same graph. A quarter of a 100-step render.
    const sweep = [
      '    if (cc < bestCC) {',
      '      lastBest = 0;',
      '      best = _.cloneDeep(layering);',
      '      bestCC = cc;',
      '    }',
    ].join('\n');
    patchSource(b, {
      filter: /dagre-d3-es[\\/]src[\\/]dagre[\\/]order[\\/]index\.js$/,
      from: sweep,
      to: `${sweep}\n    if (bestCC === 0) break;`,
      missing: 'dagre order() not found; DAG renders sweep for crossings they do not have',
    });
    b.onLoad({ filter: /.*/, namespace: 'tsflow-unused-diagram' }, (args) => ({
      contents: [
        `const unused = () => { throw new Error(${JSON.stringify(`${args.path} is not bundled: the DAG panel draws flowcharts only`)}); };`,
        'export const diagram = undefined;',
        'export default { renderToString: unused, render: unused };',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

const ESM_REQUIRE_BANNER = [
  "import { createRequire as __tsflowRequire } from 'node:module';",
  "import { fileURLToPath as __tsflowPath } from 'node:url';",
  'const require = __tsflowRequire(import.meta.url);',
  'const __filename = __tsflowPath(import.meta.url);',
  "const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');",
].join(' ');

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

// Bundles a flow file with esbuild into one ESM module that task processes import. The flow's
// `tsflow` import resolves to the runtime that is running it (so a flow file anywhere on disk
// runs with no node_modules beside it, and the flow and the worker share one FlowSpec); other
// packages stay where they are installed (native addons keep working) and are imported by
// absolute path; the flow's own TypeScript files are bundled. Bundles are content-addressed in
// a cache folder, so concurrent runs never overwrite a bundle another run is using.
//
// Local task processes load a CommonJS build of the same flow where it can be one (see
// `taskBundle`): importing an ES module makes a task process start Node's ES module loader, about
// as much CPU as the rest of a trivial task's own work.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire, isBuiltin } from 'node:module';
import type { BuildOptions, Plugin } from 'esbuild';
import { UserError } from '../errors.js';
import { FLOW_API } from '../flow/symbols.js';
import { cacheDir, writeAtomic } from './cache-dir.js';
import { TLS_MODULES } from './extra-ca.js';

const TLS_NS = 'tsflow-tls';

// esbuild is CommonJS: require() skips the CommonJS export scan an ESM import of it costs at
// every `tsflow run`.
const { build } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');

/** The runtime's dist folder (this module is bundled into it). */
export function runtimeDist(): string {
  return path.dirname(fileURLToPath(import.meta.url)).replace(/[\\/]chunks$/, '');
}

const API_NS = 'tsflow-api';

function runtimePlugin(dist: string, format: 'esm' | 'cjs'): Plugin {
  const entries: Record<string, string> = {
    tsflow: 'index.js',
    'tsflow/client': 'client.js',
    'tsflow/graph': 'graph.js',
  };
  return {
    name: 'tsflow-runtime',
    setup(b) {
      b.onResolve({ filter: /^tsflow(\/.*)?$/ }, (args) => {
        const file = entries[args.path];
        if (!file)
          return {
            errors: [
              { text: `'${args.path}' is not an entry point of tsflow (use 'tsflow' or 'tsflow/client')` },
            ],
          };
        // The CommonJS build's `tsflow` is the flow API of the task runner that loads it.
        if (format === 'cjs' && args.path === 'tsflow') return { path: 'tsflow', namespace: API_NS };
        return { path: pathToFileURL(path.join(dist, file)).href, external: true };
      });
      b.onLoad({ filter: /.*/, namespace: API_NS }, () => ({
        loader: 'js',
        contents: `const api = globalThis[Symbol.for(${JSON.stringify(FLOW_API.description)})];
if (!api) throw new Error('this CommonJS build of a flow runs only in a tsflow task process');
module.exports = api;
`,
      }));
      // A dynamic import of a TLS module becomes a static one (esbuild hoists an external
      // import to the top of the bundle), so it loads with the flow and a task process sees it
      // right after the import (extra-ca.ts): certificates from NODE_EXTRA_CA_CERTS then apply.
      b.onResolve({ filter: TLS_MODULES }, (args) =>
        args.kind === 'dynamic-import'
          ? { path: args.path.replace(/^node:/, ''), namespace: TLS_NS }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: TLS_NS }, (args) => ({
        loader: 'js',
        contents: `export * from 'node:${args.path}';\nexport { default } from 'node:${args.path}';\n`,
      }));
      // Other packages: resolve where the flow's project has them, import them from there.
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'tsflow-resolving' || args.path.startsWith('node:')) return undefined;
        const res = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: 'tsflow-resolving',
        });
        if (res.errors.length > 0 || res.external || !path.isAbsolute(res.path)) return undefined;
        return { path: pathToFileURL(res.path).href, external: true };
      });
    },
  };
}

export interface FlowBundle {
  /** Absolute path of the bundled module (ESM). */
  path: string;
  sha: string;
  /**
   * What local task processes load: a CommonJS build of the same flow (`.cjs`) when it can be one,
   * else `path`.
   */
  taskPath: string;
}

function buildOptions(abs: string, format: 'esm' | 'cjs'): BuildOptions & { write: false } {
  return {
    entryPoints: [abs],
    bundle: true,
    write: false,
    format,
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    // Source paths in the map are relative to the bundle's folder (source-map.ts resolves them).
    outdir: cacheDir('bundles'),
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [runtimePlugin(runtimeDist(), format)],
    // Keep names so class names (= flow names) and step names survive.
    keepNames: true,
  };
}

/** Writes bundle bytes under their content hash (once); returns the path and the hash. */
function store(contents: Uint8Array, ext: string): { path: string; sha: string } {
  const sha = crypto.createHash('sha256').update(contents).digest('hex');
  const target = path.join(cacheDir('bundles'), `${sha.slice(0, 32)}${ext}`);
  if (!fs.existsSync(target)) writeAtomic(target, contents);
  return { path: target, sha };
}

/**
 * The flow as CommonJS, for local task processes, or undefined where that could behave other than
 * the ES module: a flow that imports packages (they may be ES modules only, or export other code
 * to require()), `tsflow/client` or `tsflow/graph`, uses top-level await (esbuild refuses it) or
 * anything esbuild warns about (`import.meta` among them). Node built-ins and `tsflow` are fine:
 * `tsflow` is the flow API of the task runner that requires the bundle (worker.ts), so the flow
 * and the runner share one FlowSpec and no file is read for it.
 */
async function taskBundle(abs: string): Promise<string | undefined> {
  try {
    const result = await build({ ...buildOptions(abs, 'cjs'), metafile: true });
    const out = result.outputFiles?.[0];
    if (!out || result.warnings.length > 0) return undefined;
    for (const output of Object.values(result.metafile?.outputs ?? {})) {
      for (const imp of output.imports) {
        if (imp.external && !isBuiltin(imp.path)) return undefined;
      }
    }
    return store(out.contents, '.cjs').path;
  } catch {
    return undefined;
  }
}

export async function bundleFlow(file: string): Promise<FlowBundle> {
  const abs = path.resolve(file);
  const cjs = taskBundle(abs);
  const result = await build(buildOptions(abs, 'esm')).catch(
    (err: {
      errors?: { text: string; location?: { file: string; line: number; column: number } | null }[];
    }) => {
      const first = err.errors?.[0];
      const where = first?.location
        ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: `
        : '';
      throw new UserError(`${where}${first?.text ?? String(err)}`);
    },
  );
  const out = result.outputFiles?.[0];
  if (!out) throw new Error(`esbuild produced no output for ${abs}`);
  const esm = store(out.contents, '.mjs');
  return { ...esm, taskPath: (await cjs) ?? esm.path };
}

// Bundles a flow file with esbuild into one ESM module that task processes import. The flow's
// `tsflow` import resolves to the runtime that is running it (so a flow file anywhere on disk
// runs with no node_modules beside it, and the flow and the worker share one FlowSpec); other
// packages stay where they are installed (native addons keep working) and are imported by
// absolute path; the flow's own TypeScript files are bundled. Bundles are content-addressed in
// a cache folder, so concurrent runs never overwrite a bundle another run is using.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { Plugin } from 'esbuild';
import { UserError } from '../errors.js';
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

function runtimePlugin(dist: string): Plugin {
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
        return { path: pathToFileURL(path.join(dist, file)).href, external: true };
      });
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
  /** Absolute path of the bundled module. */
  path: string;
  sha: string;
}

export async function bundleFlow(file: string): Promise<FlowBundle> {
  const abs = path.resolve(file);
  const result = await build({
    entryPoints: [abs],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    // Source paths in the map are relative to the bundle's folder (source-map.ts resolves them).
    outdir: cacheDir('bundles'),
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [runtimePlugin(runtimeDist())],
    // Keep names so class names (= flow names) and step names survive.
    keepNames: true,
  }).catch(
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
  const sha = crypto.createHash('sha256').update(out.contents).digest('hex');
  const target = path.join(cacheDir('bundles'), `${sha.slice(0, 32)}.mjs`);
  if (!fs.existsSync(target)) writeAtomic(target, out.contents);
  return { path: target, sha };
}

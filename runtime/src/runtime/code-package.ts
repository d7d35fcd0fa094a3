// The code package of a run whose steps run remotely (AWS Batch): everything a container needs
// to run a task with nothing but Node installed. Three ES modules, as one JSON document stored
// content-addressed in the datastore:
//   worker.mjs  the task runner with its dependencies bundled in (the AWS SDK included; the
//               native snappy addon is left out: the datastore falls back to JavaScript)
//   index.mjs   the flow API that the flow imports as 'tsflow'
//   flow.mjs    the user's flow with every package it imports bundled in
// Built once per run; the same bytes give the same sha, so unchanged code is stored once.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { UserError } from '../errors.js';
import { runtimeDist } from './bundle.js';

const { build } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');

// Bundled CommonJS dependencies call require() for Node's built-ins; ESM output needs one.
const REQUIRE_SHIM =
  "import { createRequire as __tsflowCreateRequire } from 'node:module'; const require = __tsflowCreateRequire(import.meta.url);";

export interface CodePackage {
  sha: string;
  /** The JSON document: `{ "format": 1, "files": { name: source } }`. */
  body: string;
  files: string[];
}

const flowApiPlugin: Plugin = {
  name: 'tsflow-portable',
  setup(b) {
    b.onResolve({ filter: /^tsflow$/ }, () => ({ path: './index.mjs', external: true }));
    b.onResolve({ filter: /^tsflow\// }, (args) => ({
      errors: [{ text: `'${args.path}' cannot be used in a step that runs remotely (only 'tsflow' can)` }],
    }));
  },
};

export async function buildCodePackage(flowFile: string): Promise<CodePackage> {
  const dist = runtimeDist();
  const common = {
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    legalComments: 'none',
    banner: { js: REQUIRE_SHIM },
  } as const;
  const [worker, flow] = await Promise.all([
    build({ ...common, entryPoints: [path.join(dist, 'worker.js')], external: ['snappy'] }),
    build({
      ...common,
      entryPoints: [path.resolve(flowFile)],
      plugins: [flowApiPlugin],
      sourcemap: 'inline',
      sourcesContent: true,
      keepNames: true,
    }).catch((err: { errors?: { text: string }[] }) => {
      throw new UserError(
        `${flowFile}: cannot bundle it for remote steps: ${err.errors?.[0]?.text ?? String(err)}`,
      );
    }),
  ]);
  const files: Record<string, string> = {
    'worker.mjs': worker.outputFiles![0]!.text,
    'index.mjs': fs.readFileSync(path.join(dist, 'index.js'), 'utf8'),
    'flow.mjs': flow.outputFiles![0]!.text,
  };
  const body = JSON.stringify({ format: 1, files });
  const sha = crypto.createHash('sha256').update(body).digest('hex');
  return { sha, body, files: Object.keys(files) };
}

/**
 * The container's command: download the package (by a presigned URL, so the image needs no AWS
 * SDK), check its hash, unpack it into a fresh folder and run the task runner in this process.
 */
export const BOOTSTRAP = `
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import crypto from 'node:crypto'; import { pathToFileURL } from 'node:url';
const url = process.env.TSFLOW_CODE_URL, sha = process.env.TSFLOW_CODE_SHA;
let text;
for (let i = 1; ; i++) {
  try { const r = await fetch(url); if (!r.ok) throw new Error('HTTP ' + r.status); text = await r.text(); break; }
  catch (e) { if (i >= 6) { console.error('tsflow: cannot download the code package: ' + e.message); process.exit(1); }
    await new Promise((r) => setTimeout(r, 2000 * i)); }
}
if (crypto.createHash('sha256').update(text).digest('hex') !== sha) { console.error('tsflow: the code package does not match its sha256'); process.exit(1); }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-code-'));
for (const [name, body] of Object.entries(JSON.parse(text).files)) fs.writeFileSync(path.join(dir, name), body);
process.argv[2] = path.join(dir, 'flow.mjs');
await import(pathToFileURL(path.join(dir, 'worker.mjs')).href);
`.trim();

// `npm test`: every tier, in order, each loud about what it ran.
//   static   tsc --noEmit and biome over the whole repo
//   unit     graph/lint, datastore, serialization, client, flow API (in-process)
//   lsp      the language server over in-memory streams, the built bin over stdio, a fuzz test
//   e2e      the built `tsflow` CLI and `tsx <flow> run` as a user runs them
// Later tiers (S3, VS Code) add themselves to TIERS. `npm test -- unit` runs one tier;
// `npm test -- path/to/file.test.ts` runs files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
process.chdir(root);

function testFiles(dir) {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'fixtures') walk(p);
      } else if (e.name.endsWith('.test.ts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.status !== 0) {
    console.error(`=== ${label} FAILED (exit ${res.status ?? res.signal})`);
    process.exit(res.status || 1);
  }
}

const nodeTest = (label, files, concurrency) => {
  if (files.length === 0) {
    console.error(`=== ${label}: no test files found`);
    process.exit(1);
  }
  run(label, process.execPath, [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=300000',
    ...files,
  ]);
};

const TIERS = {
  static: () => {
    run('static: typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
    run('static: lint+format', 'npx', ['biome', 'check', '.']);
  },
  unit: () => nodeTest('unit', testFiles('test/unit'), 2),
  lsp: () => {
    run('lsp: build', process.execPath, ['scripts/build.mjs']);
    nodeTest('lsp', testFiles('test/lsp'), 2);
  },
  e2e: () => {
    run('e2e: build', process.execPath, ['scripts/build.mjs']);
    nodeTest('e2e', testFiles('test/e2e'), 2);
  },
};

const args = process.argv.slice(2);
if (args.length > 0 && args.every((a) => a.endsWith('.ts'))) {
  nodeTest('selected', args, 1);
} else {
  const tiers = args.length > 0 ? args : Object.keys(TIERS);
  for (const t of tiers) {
    if (!TIERS[t]) {
      console.error(`unknown tier '${t}' (tiers: ${Object.keys(TIERS).join(', ')})`);
      process.exit(2);
    }
    TIERS[t]();
  }
  console.log(`\n=== all tiers passed: ${tiers.join(', ')}`);
}

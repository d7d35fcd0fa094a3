// `npm test`: every tier, in order, each loud about what it ran.
//   static   tsc --noEmit and biome over the whole repo
//   unit     graph/lint, datastore, serialization, client, flow API (in-process)
//   lsp      the language server over in-memory streams, the built bin over stdio, a fuzz test
//   e2e      the built `tsflow` CLI and `tsx <flow> run` as a user runs them
//   s3       the S3 datastore against a real Ceph RADOS gateway it installs and starts itself
//            (loudly skipped where Ceph cannot be had: not root, no apt)
//   vscode   the extension in a real VS Code: code-server + Chromium (Playwright) with the built
//            .vsix, and the in-host mocha suite (loudly skipped where they cannot be provisioned)
// Later tiers add themselves to TIERS. `npm test -- unit` runs one tier;
// `npm test -- path/to/file.test.ts` runs files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
    run('static: typecheck webviews (DOM)', 'npx', ['tsc', '--noEmit', '-p', 'webviews/tsconfig.json']);
    run('static: lint+format', 'npx', ['biome', 'check', '.']);
  },
  // test/webviews: the webview pages in jsdom (type-checked with DOM types by webviews/tsconfig.json).
  unit: () => nodeTest('unit', [...testFiles('test/unit'), ...testFiles('test/webviews')], 2),
  lsp: () => {
    run('lsp: build', process.execPath, ['scripts/build.mjs']);
    nodeTest('lsp', testFiles('test/lsp'), 2);
  },
  e2e: () => {
    run('e2e: build', process.execPath, ['scripts/build.mjs']);
    nodeTest('e2e', testFiles('test/e2e'), 2);
  },
  s3: () => s3Tier(),
  // Last: a real VS Code (code-server + Chromium, provisioned and cached outside the repo).
  vscode: async () => (await import('../test/vscode/tier.mjs')).vscodeTier(),
};

/** The S3 tier against a real Ceph RADOS gateway that it installs (root + apt) and starts itself. */
function s3Tier() {
  const started = Date.now();
  const check = spawnSync(process.execPath, ['scripts/ceph.mjs', 'check'], { encoding: 'utf8' });
  if (check.status !== 0) {
    const bar = '!'.repeat(78);
    console.error(`\n${bar}\n!!! s3 tier SKIPPED: no S3 test server can be had here: ${check.stdout.trim()}`);
    console.error(
      `!!! (it needs Ceph's radosgw, ceph-mon and ceph-osd, or root and apt-get to install them)\n${bar}`,
    );
    return;
  }
  run('s3: build', process.execPath, ['scripts/build.mjs']);
  run('s3: install Ceph (if missing)', process.execPath, ['scripts/ceph.mjs', 'install']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-ceph-'));
  let status = 1;
  try {
    console.log(`\n=== s3: start a single-node Ceph with two RADOS gateways in ${dir}`);
    const up = spawnSync(process.execPath, ['scripts/ceph.mjs', 'start', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (up.status !== 0) console.error('=== s3: Ceph did not start');
    else {
      const files = testFiles('test/s3');
      console.log(`\n=== s3: node --test ${files.join(' ')}`);
      status = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
        { stdio: 'inherit', env: { ...process.env, TSFLOW_TEST_CEPH_DIR: dir } },
      ).status;
    }
  } finally {
    spawnSync(process.execPath, ['scripts/ceph.mjs', 'stop', dir], { stdio: 'inherit' });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (status !== 0) {
    console.error(`=== s3 FAILED (exit ${status})`);
    process.exit(status || 1);
  }
  console.log(
    `=== s3: passed in ${Math.round((Date.now() - started) / 1000)} s (Ceph start and stop included)`,
  );
}

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
    await TIERS[t]();
  }
  console.log(`\n=== all tiers passed: ${tiers.join(', ')}`);
}

// The `vscode` tier of `npm test`: a real VS Code (code-server, pinned) with the built .vsix, driven
// by Playwright in Debian's Chromium, plus the in-host mocha suite (real `vscode` API) loaded
// through the workbench URL payload. Provisions what it needs itself (root + apt + npm; cached
// outside the repo) and skips LOUDLY where it can't.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from './provision.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function vscodeTier() {
  const started = Date.now();
  const bar = '!'.repeat(78);
  const env = provision();
  if (!env) {
    console.error(`\n${bar}\n!!! vscode tier SKIPPED: code-server and Chromium cannot be provisioned here`);
    console.error(`!!! (it needs linux-x64, Node 20, and root with apt-get and the npm registry)\n${bar}`);
    return;
  }
  console.log('\n=== vscode: npm run package (the .vsix under test)');
  const pack = spawnSync(process.execPath, ['scripts/package-vscode.mjs'], { cwd: root, encoding: 'utf8' });
  process.stdout.write(pack.stdout.split('\n').slice(-3).join('\n'));
  if (pack.status !== 0) {
    process.stderr.write(pack.stderr);
    console.error('=== vscode FAILED: packaging');
    process.exit(1);
  }
  const vsix = fs
    .readdirSync(root)
    .filter((f) => f.endsWith('.vsix'))
    .map((f) => path.join(root, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const files = fs
    .readdirSync(path.join(root, 'test', 'vscode'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join('test', 'vscode', f));
  console.log(`\n=== vscode: node --test ${files.join(' ')} (code-server ${env.codeServer})`);
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=900000', ...files],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        TSFLOW_VSCODE_CODE_SERVER: env.codeServer,
        TSFLOW_VSCODE_CHROMIUM: env.chromium,
        TSFLOW_VSCODE_VSIX: vsix,
      },
    },
  );
  if (res.status !== 0) {
    console.error(
      `=== vscode FAILED (exit ${res.status ?? res.signal}); screenshots and logs in test-output/vscode/`,
    );
    process.exit(res.status || 1);
  }
  // The same in-host suite under @vscode/test-electron, where a desktop VS Code binary is given.
  const electron = spawnSync(process.execPath, ['--import', 'tsx', 'test/vscode/electron.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (electron.status !== 0) {
    console.error('=== vscode FAILED: the in-host suite under @vscode/test-electron');
    process.exit(electron.status || 1);
  }
  console.log(
    `=== vscode: passed in ${Math.round((Date.now() - started) / 1000)} s (provisioning and packaging included); screenshots in test-output/vscode/`,
  );
}

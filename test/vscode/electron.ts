// The in-host suite under @vscode/test-electron (2.5.2), wherever a desktop VS Code binary exists:
//
//   npm run package && VSCODE_EXECUTABLE=/path/to/code node --import tsx test/vscode/electron.ts
//
// Same suite, same staged extension (build/vsix) and the same results file as the code-server run
// (test/vscode/inhost.test.ts). No VS Code can be downloaded on the CI machines, so without
// VSCODE_EXECUTABLE this says so loudly and exits 0.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './harness.ts';
import { buildInhostSuite, makeInhostWorkspace } from './inhost/prepare.ts';

const exe = process.env.VSCODE_EXECUTABLE;
if (!exe) {
  const bar = '!'.repeat(78);
  console.error(
    `${bar}\n!!! in-host suite under @vscode/test-electron SKIPPED: set VSCODE_EXECUTABLE to a VS Code binary\n${bar}`,
  );
  process.exit(0);
}
const stage = path.join(repoRoot, 'build', 'vsix');
if (!fs.existsSync(path.join(stage, 'package.json'))) {
  console.error('build/vsix is missing: run `npm run package` first');
  process.exit(2);
}
const suite = await buildInhostSuite();
const workspace = makeInhostWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-electron-')));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-electron-profile-'));
try {
  await runTests({
    vscodeExecutablePath: exe,
    extensionDevelopmentPath: stage,
    extensionTestsPath: path.join(suite, 'index.js'),
    launchArgs: [
      workspace,
      '--disable-workspace-trust',
      '--skip-welcome',
      '--user-data-dir',
      path.join(profile, 'user-data'),
      '--extensions-dir',
      path.join(profile, 'extensions'),
    ],
  });
  const results = JSON.parse(fs.readFileSync(path.join(workspace, '.inhost-results.json'), 'utf8')) as {
    vscodeVersion: string;
    results: { title: string; state: string; error?: string }[];
  };
  for (const r of results.results)
    console.log(`${r.state === 'passed' ? '✓' : '✗'} ${r.title}${r.error ? `\n${r.error}` : ''}`);
  const failed = results.results.filter((r) => r.state === 'failed').length;
  console.log(
    `${results.results.length - failed} passed, ${failed} failed (VS Code ${results.vscodeVersion})`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(profile, { recursive: true, force: true });
}

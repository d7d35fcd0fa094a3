// Runs the in-host mocha suite (test/vscode/inhost/) inside code-server's extension host, with
// the staged extension (build/vsix, what the .vsix holds) as the development extension, both
// passed through the workbench URL payload. Results come from a file the suite writes (the host
// exits 0 whatever happened).
//
// Wherever a desktop VS Code binary exists, the same suite runs under @vscode/test-electron:
// `VSCODE_EXECUTABLE=/path/to/code node --import tsx test/vscode/electron.ts`.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { buildInhostSuite, makeInhostWorkspace } from './inhost/prepare.ts';
import { Browser, CodeServer, outputDir, repoRoot, screenshot, sleep } from './harness.ts';

const codeServer = process.env.TSFLOW_VSCODE_CODE_SERVER;
const chromiumPath = process.env.TSFLOW_VSCODE_CHROMIUM;
const stage = path.join(repoRoot, 'build', 'vsix');
const skip =
  !codeServer || !chromiumPath || !fs.existsSync(path.join(stage, 'package.json'))
    ? 'no code-server / Chromium / staged extension (run `npm test -- vscode`)'
    : false;

let server: CodeServer | undefined;
let browser: Browser | undefined;
let workspace: string | undefined;

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

interface InhostResults {
  vscodeVersion: string;
  durationMs: number;
  results: { title: string; state: string; durationMs: number; error?: string }[];
  extra: Record<string, unknown>;
}

test('in-host mocha suite (real vscode API) inside code-server', { skip, timeout: 900_000 }, async () => {
  const suite = await buildInhostSuite();
  workspace = makeInhostWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-inhost-')));
  server = new CodeServer({ codeServer: codeServer!, chromium: chromiumPath! }, { workspace });
  await server.start();
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server!.port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(stage)],
    ['extensionTestsPath', remote(path.join(suite, 'index.js'))],
  ]);
  browser = new Browser(chromiumPath!);
  const page = await browser.open(server.url(`&payload=${encodeURIComponent(payload)}`));
  const resultsFile = path.join(workspace, '.inhost-results.json');
  const end = Date.now() + 600_000;
  while (!fs.existsSync(resultsFile)) {
    if (Date.now() > end) {
      await screenshot(page, 'inhost-timeout').catch(() => {});
      fs.writeFileSync(path.join(outputDir, 'inhost-exthost.log'), server.exthostLog());
      assert.fail(
        'the in-host suite wrote no results in 10 minutes (see test-output/vscode/inhost-exthost.log)',
      );
    }
    await sleep(500);
  }
  await sleep(200);
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as InhostResults;
  fs.mkdirSync(outputDir, { recursive: true });
  fs.writeFileSync(path.join(outputDir, 'inhost-results.json'), JSON.stringify(results, null, 2));
  console.log(`in-host suite in VS Code ${results.vscodeVersion}, ${results.durationMs} ms:`);
  for (const r of results.results)
    console.log(`  ${r.state === 'passed' ? '✓' : '✗'} ${r.title} (${r.durationMs} ms)`);
  const failed = results.results.filter((r) => r.state === 'failed');
  assert.deepEqual(
    failed.map((f) => `${f.title}: ${f.error}`),
    [],
  );
  assert.ok(results.results.filter((r) => r.state === 'passed').length >= 6, 'the whole suite ran');
});

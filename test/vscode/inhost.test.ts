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

/** What each run leaves to clean up, newest last. */
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

interface InhostResults {
  vscodeVersion: string;
  durationMs: number;
  results: { title: string; state: string; durationMs: number; error?: string }[];
  extra: Record<string, unknown>;
}

/**
 * Runs one in-host suite (`suite`: the file under inhost/) in a fresh code-server and workspace,
 * and writes its results to test-output/vscode/`resultsName`.
 */
async function runInhost(suite: string, resultsName: string, untrusted: boolean): Promise<InhostResults> {
  const built = await buildInhostSuite();
  const workspace = makeInhostWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-inhost-')));
  cleanups.push(async () => fs.rmSync(workspace, { recursive: true, force: true }));
  fs.writeFileSync(path.join(workspace, '.inhost-suite'), `${suite}\n`);
  const server = new CodeServer(
    { codeServer: codeServer!, chromium: chromiumPath! },
    { workspace, untrusted },
  );
  cleanups.push(async () => {
    await server.stop();
    server.cleanup();
  });
  await server.start();
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(stage)],
    ['extensionTestsPath', remote(path.join(built, 'index.js'))],
  ]);
  const browser = new Browser(chromiumPath!);
  cleanups.push(() => browser.close());
  const page = await browser.open(server.url(`&payload=${encodeURIComponent(payload)}`));
  const resultsFile = path.join(workspace, '.inhost-results.json');
  const end = Date.now() + 600_000;
  while (!fs.existsSync(resultsFile)) {
    if (Date.now() > end) {
      await screenshot(page, `${suite}-inhost-timeout`).catch(() => {});
      fs.writeFileSync(path.join(outputDir, `${suite}-inhost-exthost.log`), server.exthostLog());
      assert.fail(
        `the in-host suite wrote no results in 10 minutes (see test-output/vscode/${suite}-inhost-exthost.log)`,
      );
    }
    await sleep(250);
  }
  await sleep(200);
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as InhostResults;
  fs.mkdirSync(outputDir, { recursive: true });
  fs.writeFileSync(path.join(outputDir, resultsName), JSON.stringify(results, null, 2));
  console.log(`in-host suite '${suite}' in VS Code ${results.vscodeVersion}, ${results.durationMs} ms:`);
  for (const r of results.results)
    console.log(
      `  ${r.state === 'passed' ? '✓' : r.state === 'pending' ? '-' : '✗'} ${r.title} (${r.durationMs} ms)`,
    );
  const failed = results.results.filter((r) => r.state === 'failed');
  assert.deepEqual(
    failed.map((f) => `${f.title}: ${f.error}`),
    [],
  );
  return results;
}

test('in-host mocha suite (real vscode API) inside code-server', { skip, timeout: 900_000 }, async () => {
  const results = await runInhost('suite', 'inhost-results.json', false);
  assert.ok(results.results.filter((r) => r.state === 'passed').length >= 6, 'the whole suite ran');
});

test('in-host suite in an untrusted workspace (restricted mode) inside code-server', {
  skip,
  timeout: 600_000,
}, async () => {
  const results = await runInhost('untrusted', 'inhost-untrusted-results.json', true);
  assert.equal(results.results.filter((r) => r.state === 'passed').length, 3, 'the whole suite ran');
});

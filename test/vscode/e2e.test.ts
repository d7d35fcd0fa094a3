// End to end in a real VS Code: code-server with the built .vsix installed, driven by Playwright
// in Chromium. The workspace holds only examples/petsflow.ts (no node_modules): the flow runs on
// the runtime inside the extension. Screenshots go to test-output/vscode/.
//
// Needs TSFLOW_VSCODE_CODE_SERVER, TSFLOW_VSCODE_CHROMIUM and TSFLOW_VSCODE_VSIX (the `vscode`
// tier of scripts/test.mjs provisions and sets them); skips loudly without them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  Browser,
  CodeServer,
  openFile,
  outputDir,
  repoRoot,
  screenshot,
  sleep,
  waitFor,
  webviewFrame,
} from './harness.ts';

const codeServer = process.env.TSFLOW_VSCODE_CODE_SERVER;
const chromiumPath = process.env.TSFLOW_VSCODE_CHROMIUM;
const vsix = process.env.TSFLOW_VSCODE_VSIX;
const skip =
  !codeServer || !chromiumPath || !vsix
    ? 'no code-server / Chromium / .vsix (run `npm test -- vscode`)'
    : false;

let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
let workspace: string;

before(async () => {
  if (skip) return;
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-ws-'));
  fs.mkdirSync(path.join(workspace, 'examples'));
  fs.copyFileSync(
    path.join(repoRoot, 'examples', 'petsflow.ts'),
    path.join(workspace, 'examples', 'petsflow.ts'),
  );
  server = new CodeServer({ codeServer: codeServer!, chromium: chromiumPath! }, { workspace, vsix });
  await server.start();
  browser = new Browser(chromiumPath!);
  page = await browser.open(server.url());
});

after(async () => {
  if (server) fs.writeFileSync(path.join(outputDir, 'exthost.log'), server.exthostLog());
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** A row of the runs tree whose label is `label` (its aria-label is the label, a space, the description). */
function treeRow(label: string) {
  return page.locator(`[role="tree"][aria-label="Runs"] .monaco-list-row[aria-label^="${label} "]`).first();
}

async function expand(label: string): Promise<void> {
  const row = treeRow(label);
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await waitFor(
    `${label} expanded`,
    async () => ((await row.getAttribute('aria-expanded')) === 'true' ? true : undefined),
    30_000,
  );
}

test('petsflow in code-server: lenses, run, runs tree, DAG panel, artifact viewer', {
  skip,
  timeout: 600_000,
}, async () => {
  try {
    await petsflowScenario();
  } catch (e) {
    await screenshot(page, 'failure').catch(() => {});
    fs.writeFileSync(path.join(outputDir, 'failure.html'), await page.content().catch(() => ''));
    throw e;
  }
});

async function petsflowScenario(): Promise<void> {
  await openFile(page, 'examples/petsflow.ts');
  const runLens = page.locator('.codelens-decoration a', { hasText: 'Run flow' }).first();
  await runLens.waitFor({ timeout: 120_000 });
  await screenshot(page, '1-editor-lenses');

  // ▶ Run flow: one parameter (alpha, default 0.5 filled in); Enter accepts it.
  await runLens.click();
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await input.inputValue(), '0.5');
  await input.fill('not a number');
  await page
    .locator('.quick-input-widget .quick-input-message', { hasText: 'takes a number' })
    .waitFor({ timeout: 10_000 });
  await input.fill('0.7');
  await page.keyboard.press('Enter');

  // The status bar follows the run to its end.
  const status = page.locator('.statusbar-item', { hasText: 'PetsFlow/' }).first();
  await status.waitFor({ timeout: 60_000 });
  await waitFor(
    'the run to succeed in the status bar',
    async () => ((await status.textContent())?.includes('5/5 steps') ? true : undefined),
    120_000,
  );
  // Each step's last result above it, once the lenses caught up with the end of the run.
  await waitFor(
    'the step status lenses of the finished run',
    async () => {
      const texts = await page.locator('.codelens-decoration').allTextContents();
      const done = texts.filter((t) => t.includes('✓ 1 task')).length;
      return done >= 3 && !texts.some((t) => t.includes('running')) ? true : undefined;
    },
    60_000,
  );
  await screenshot(page, '2-terminal-status-bar');

  // The runs tree: PetsFlow → the run (succeeded) → its 5 steps.
  await page.locator('.activitybar .action-item a[aria-label^="tsflow"]').first().click();
  await expand('PetsFlow');
  const runRow = page.locator('[role="tree"][aria-label="Runs"] .monaco-list-row[aria-level="2"]').first();
  await waitFor(
    'the run to show as succeeded',
    async () => ((await runRow.textContent())?.includes('succeeded') ? true : undefined),
    60_000,
  );
  const runId = (await runRow.locator('.label-name').textContent())!.trim();
  await expand(runId);
  const steps = page.locator('[role="tree"][aria-label="Runs"] .monaco-list-row[aria-level="3"]');
  await waitFor('5 steps', async () => ((await steps.count()) === 5 ? true : undefined), 30_000);
  assert.deepEqual(
    (await steps.locator('.label-name').allTextContents()).map((s) => s.trim()),
    ['start', 'a', 'b', 'join', 'end'],
  );
  await screenshot(page, '3-runs-tree');

  // The DAG panel: 5 nodes, coloured by the run that just succeeded.
  await page.locator('.codelens-decoration a', { hasText: 'Show DAG' }).first().click();
  const dag = await webviewFrame(page, 'svg g.node');
  await waitFor(
    '5 nodes in the DAG',
    async () => ((await dag.locator('svg g.node').count()) === 5 ? true : undefined),
    60_000,
  );
  await waitFor(
    'nodes coloured as done',
    async () => ((await dag.locator('svg g.node.st_done').count()) === 5 ? true : undefined),
    60_000,
  );
  await screenshot(page, '4-dag-panel');

  // The `pets` artifact of the join: the six names.
  await expand('join');
  const taskRow = page.locator('[role="tree"][aria-label="Runs"] .monaco-list-row[aria-level="4"]').first();
  await taskRow.click();
  await waitFor(
    'the join task expanded',
    async () => ((await taskRow.getAttribute('aria-expanded')) === 'true' ? true : undefined),
    30_000,
  );
  await treeRow('pets').click();
  const viewer = await webviewFrame(page, '.header .pathspec');
  const names = ['dogs', 'cats', 'budgies', 'lions', 'wolves', 'elephants'];
  await waitFor(
    'the six names',
    async () => {
      const text = (await viewer.locator('#app').textContent()) ?? '';
      return names.every((n) => text.includes(n)) ? true : undefined;
    },
    30_000,
  );
  assert.match(
    (await viewer.locator('.header .pathspec').textContent()) ?? '',
    new RegExp(`^PetsFlow/${runId}/join/\\d+/pets$`),
  );
  await screenshot(page, '5-artifact-viewer');

  // Delete run (the tree's context menu): nothing happens until the dialog is confirmed.
  // The run's folder in the datastore (the workspace's `.tsflow`, wherever it was made).
  const runsDir = fs
    .readdirSync(workspace, { recursive: true, encoding: 'utf8' })
    .map((p) => path.join(workspace, p))
    .find((p) => p.endsWith(path.join('PetsFlow', runId)) && fs.statSync(p).isDirectory());
  assert.ok(runsDir, `the run's records under ${workspace}`);
  const deleteRun = async (button: 'Cancel' | 'Delete') => {
    await treeRow(runId).click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Delete run' }).first();
    await item.hover({ timeout: 10_000 });
    await item.click({ timeout: 10_000 });
    const dialog = page.locator('.monaco-dialog-box');
    try {
      await dialog.waitFor({ timeout: 3_000 });
    } catch {
      // Monaco's menus act on mouse-up and can miss a click that lands while the menu is still
      // opening (seen under load): the item is highlighted, so Enter chooses it.
      if (await item.isVisible()) await page.keyboard.press('Enter');
      await dialog.waitFor({ timeout: 10_000 });
    }
    assert.match(
      (await dialog.locator('.dialog-message-container').textContent()) ?? '',
      new RegExp(`Delete run PetsFlow/${runId}\\?`),
    );
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  };
  await deleteRun('Cancel');
  await sleep(500);
  assert.ok(fs.existsSync(runsDir), 'cancelled: the run stays');
  assert.equal(await treeRow(runId).count(), 1);
  await deleteRun('Delete');
  await waitFor(
    'the run to leave the tree',
    async () => ((await treeRow(runId).count()) === 0 ? true : undefined),
    30_000,
  );
  assert.ok(!fs.existsSync(runsDir), 'its records are gone');
}

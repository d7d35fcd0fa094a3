// Entry of the in-host suite (`extensionTestsPath`): runs mocha inside the extension host, with
// the real `vscode` API, and writes the results to a file in the workspace, because the host
// exits with code 0 whether the suite passed or not.

import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

interface Result {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('the in-host suite needs a workspace folder');
  const out = path.join(folder, '.inhost-results.json');
  const results: Result[] = [];
  const extra: Record<string, unknown> = {};
  (globalThis as { __tsflowInhost?: Record<string, unknown> }).__tsflowInhost = extra;
  // mocha is resolved from the repo's node_modules (the suite is built into the repo's build/).
  const Mocha = require('mocha') as typeof import('mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: 'spec' });
  // `.inhost-suite` in the workspace names another suite (`untrusted`: restricted mode).
  const marker = path.join(folder, '.inhost-suite');
  const suite = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : 'suite';
  mocha.addFile(path.join(__dirname, `${suite}.test.js`));
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) =>
      results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }),
    );
    runner.on('fail', (t, err) =>
      results.push({
        title: t.fullTitle(),
        state: 'failed',
        durationMs: t.duration ?? 0,
        error: String((err as Error)?.stack ?? err),
      }),
    );
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
  }).catch((e) => results.push({ title: 'mocha', state: 'failed', durationMs: 0, error: String(e) }));
  fs.writeFileSync(
    out,
    JSON.stringify(
      { vscodeVersion: vscode.version, durationMs: Date.now() - started, results, extra },
      null,
      2,
    ),
  );
}

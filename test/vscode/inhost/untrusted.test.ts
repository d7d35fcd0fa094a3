// The in-host suite for an untrusted workspace (restricted mode): the extension activates and
// shows graphs, but runs nothing, since running a flow executes its code. Run by inhost.test.ts in
// a second code-server with workspace trust on and the folder never trusted (index.ts picks this
// file when the workspace holds `.inhost-suite` = `untrusted`).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TsflowApi } from '../../../client/src/extension.js';
import { extensionApi, openGraph, petsFile } from './common.ts';

describe('tsflow extension in an untrusted workspace (in host)', () => {
  let api: TsflowApi;

  before(async () => {
    api = (await extensionApi()).api;
  });

  it('is in restricted mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still reads the graph of a flow', async () => {
    const g = await openGraph(api, petsFile());
    assert.equal(g.flows[0]!.name, 'PetsFlow');
  });

  it('refuses to run, resume or debug a flow: no terminal, no run in the datastore', async () => {
    const file = petsFile();
    const args = { uri: vscode.Uri.file(file).toString(), file, flow: 'PetsFlow' };
    const terminals = vscode.window.terminals.length;
    assert.equal(await api.runner.runFlow(args), undefined);
    assert.equal(await api.runner.resumeFlow(args, '1', 'start'), undefined);
    assert.equal(await vscode.commands.executeCommand('tsflow.runFlow', args), undefined);
    assert.equal(
      await vscode.commands.executeCommand('tsflow.debugStep', { ...args, runId: '1', step: 'start' }),
      undefined,
    );
    // Give a launch that slipped through the time to show.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(vscode.window.terminals.length, terminals, 'no terminal was opened');
    const root = api.datastoreRoot();
    assert.ok(!root || !fs.existsSync(path.join(root, 'PetsFlow')), `nothing was written under ${root}`);
    assert.deepEqual(await api.data.runs('PetsFlow', '').catch(() => []), []);
  });
});

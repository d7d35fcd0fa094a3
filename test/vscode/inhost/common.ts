// What the in-host suites share: the extension under test, the workspace's files, the API.

import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TsflowApi } from '../../../client/src/extension.js';
import type { GraphResult } from '../../../server/src/protocol.js';
import { waitFor } from '../wait.ts';

export const EXTENSION_ID = 'tsflow.tsflow-vscode';
export const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
export const petsFile = () => path.join(folder(), 'examples', 'petsflow.ts');

/** The extension's API (activated if it was not yet) and whether it was active already. */
export async function extensionApi(): Promise<{ api: TsflowApi; wasActive: boolean }> {
  const ext = vscode.extensions.getExtension<TsflowApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  const wasActive = ext.isActive;
  return { api: wasActive ? ext.exports : await ext.activate(), wasActive };
}

/** Opens a file and waits for the language server to give its flows. */
export async function openGraph(api: TsflowApi, file: string): Promise<GraphResult> {
  const uri = vscode.Uri.file(file);
  await vscode.window.showTextDocument(uri);
  return waitFor('the graph', async () => {
    const r = await api.lsp.graph(uri);
    return r.flows.length > 0 ? r : undefined;
  });
}

// The artifact viewer: one webview per artifact (`Flow/run/step/task/name`), fed one page at a
// time by RunsDataService.artifactPage (large collections load in pages on demand).

import * as vscode from 'vscode';
import { parseFromArtifact, type ToArtifactMessage } from '../../../webviews/src/messages.js';
import type { RunsDataService } from '../runs/data.js';
import { makeNonce, webviewShell } from './html.js';

export const ARTIFACT_VIEW_TYPE = 'tsflow.artifact';

export class ArtifactPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly data: RunsDataService,
    private readonly webviewsDir: string,
  ) {}

  show(pathspec: string): vscode.WebviewPanel {
    const existing = this.panels.get(pathspec);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const name = pathspec.split('/').slice(-1)[0] ?? pathspec;
    const panel = vscode.window.createWebviewPanel(
      ARTIFACT_VIEW_TYPE,
      `${name} (${pathspec.split('/').slice(1, 4).join('/')})`,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.file(this.webviewsDir)],
        enableCommandUris: false,
      },
    );
    const base = vscode.Uri.file(this.webviewsDir);
    panel.webview.html = webviewShell({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      title: pathspec,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(base, 'artifact.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(base, 'artifact.css')).toString(),
      view: 'artifact',
    });
    const post = (m: ToArtifactMessage) => void panel.webview.postMessage(m);
    const load = async (offset: number) => {
      try {
        post({ type: 'page', page: await this.data.artifactPage(pathspec, offset) });
      } catch (e) {
        post({ type: 'error', message: `Cannot read ${pathspec}: ${(e as Error).message}` });
      }
    };
    const sub = panel.webview.onDidReceiveMessage((raw) => {
      const m = parseFromArtifact(raw);
      if (m?.type === 'ready') void load(0);
      else if (m?.type === 'loadPage') void load(m.offset);
    });
    panel.onDidDispose(() => {
      sub.dispose();
      this.panels.delete(pathspec);
    });
    this.panels.set(pathspec, panel);
    return panel;
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
  }
}

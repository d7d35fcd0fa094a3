// Starts the tsflow language server (the bundled server/ package) over Node IPC and exposes what
// the rest of the client needs from it: the `tsflow/graph` request and `tsflow/graphChanged`.
// The language client library loads only when the server starts (out/lsp-impl.js), so activation
// does not pay for it.

import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { GraphResult } from '../../server/src/protocol.js';

type Impl = typeof import('./lsp-impl.js');

function loadImpl(): Impl {
  // The bundle next to out/extension.js; under tsx (tests, bench) the source module.
  // A computed path, so the bundler leaves the module where it is.
  const bundled = path.join(__dirname, 'lsp-impl.js');
  const file = fs.existsSync(bundled) ? bundled : path.join(__dirname, 'lsp-impl.ts');
  return module.require(file) as Impl;
}

export class FlowLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private impl: Impl | undefined;
  private started: Promise<void> | undefined;
  private readonly graphEmitter = new vscode.EventEmitter<GraphResult>();
  /** `tsflow/graphChanged`: a flow file's graph after an edit (debounced by the server). */
  readonly onGraphChanged = this.graphEmitter.event;

  constructor(
    private readonly serverModule: string,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  start(): Promise<void> {
    if (this.started) return this.started;
    this.started = (async () => {
      // Never inside activate(): the library loads on the next turn.
      await new Promise((r) => setTimeout(r, 0));
      const impl = loadImpl();
      const client = impl.createLanguageClient(this.serverModule, this.output);
      this.impl = impl;
      this.client = client;
      await client.start();
      impl.onGraphChanged(client, (g) => this.graphEmitter.fire(g));
    })();
    return this.started;
  }

  /** The graphs of a file (open or on disk). */
  async graph(uri: vscode.Uri): Promise<GraphResult> {
    await this.start();
    return this.impl!.requestGraph(this.client!, uri.toString());
  }

  async dispose(): Promise<void> {
    this.graphEmitter.dispose();
    await this.client?.stop();
  }
}

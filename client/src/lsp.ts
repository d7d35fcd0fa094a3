// Starts the tsflow language server (the bundled server/ package) over Node IPC and exposes what
// the rest of the client needs from it: the `tsflow/graph` request and `tsflow/graphChanged`.

import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  GraphChangedNotification,
  GraphRequest,
  type GraphResult,
  type InitializationOptions,
} from '../../server/src/protocol.js';

export class FlowLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
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
    const serverOptions: ServerOptions = {
      run: { module: this.serverModule, transport: TransportKind.ipc },
      debug: {
        module: this.serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: ['--nolazy', '--inspect=6019'] },
      },
    };
    const init: InitializationOptions = { graphDelay: 200 };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'typescript' },
        { scheme: 'untitled', language: 'typescript' },
      ],
      initializationOptions: init,
      outputChannel: this.output,
    };
    const client = new LanguageClient('tsflow', 'tsflow language server', serverOptions, clientOptions);
    this.client = client;
    this.started = client.start().then(() => {
      client.onNotification(GraphChangedNotification.type, (g) => this.graphEmitter.fire(g));
    });
    return this.started;
  }

  /** The graphs of a file (open or on disk). */
  async graph(uri: vscode.Uri): Promise<GraphResult> {
    await this.start();
    return this.client!.sendRequest(GraphRequest.type, { textDocument: { uri: uri.toString() } });
  }

  async dispose(): Promise<void> {
    this.graphEmitter.dispose();
    await this.client?.stop();
  }
}

// The language client itself (vscode-languageclient, about half of the client's code), in a bundle
// of its own (out/lsp-impl.js) that lsp.ts loads when the server starts, after activation.

import type * as vscode from 'vscode';
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

export function createLanguageClient(serverModule: string, output: vscode.LogOutputChannel): LanguageClient {
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
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
    outputChannel: output,
  };
  return new LanguageClient('tsflow', 'tsflow language server', serverOptions, clientOptions);
}

/** `tsflow/graph` (the shared protocol's request type lives here, with the client library). */
export function requestGraph(client: LanguageClient, uri: string): Promise<GraphResult> {
  return client.sendRequest(GraphRequest.type, { textDocument: { uri } });
}

export function onGraphChanged(client: LanguageClient, listener: (g: GraphResult) => void): void {
  client.onNotification(GraphChangedNotification.type, listener);
}

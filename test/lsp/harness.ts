// An LSP client and the tsflow language server in one process, over in-memory streams: no editor,
// no child process. The client is vscode-languageserver-protocol's own connection, so every
// message goes through real JSON-RPC framing, exactly as with an editor.

import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  type Diagnostic,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type Position,
  PrepareRenameRequest,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ReferencesRequest,
  RenameRequest,
  ShutdownRequest,
  type TextDocumentContentChangeEvent,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import {
  GraphChangedNotification,
  GraphRequest,
  type GraphResult,
  type InitializationOptions,
} from '../../server/src/protocol.js';
import { type ServerOptions, startServer } from '../../server/src/server.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LINT_FIXTURES = path.join(ROOT, 'test/fixtures/lint');
export const EXAMPLES = path.join(ROOT, 'examples');

export const uriOf = (file: string) => pathToFileURL(file).href;

interface Waiter<T> {
  test: (v: T) => boolean;
  resolve: (v: T) => void;
}

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly published: PublishDiagnosticsParams[] = [];
  readonly graphs: GraphResult[] = [];
  readonly logs: string[] = [];
  private readonly versions = new Map<string, number>();
  private readonly diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly graphWaiters: Waiter<GraphResult>[] = [];

  private constructor(
    readonly connection: ProtocolConnection,
    private readonly teardown: () => void,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p);
      this.published.push(p);
      this.settle(this.diagnosticWaiters, p);
    });
    connection.onNotification(GraphChangedNotification.type, (g) => {
      this.graphs.push(g);
      this.settle(this.graphWaiters, g);
    });
    connection.onNotification('window/logMessage', (m: { message: string }) => {
      this.logs.push(m.message);
    });
  }

  private settle<T>(waiters: Waiter<T>[], v: T): void {
    for (const w of [...waiters]) {
      if (w.test(v)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(v);
      }
    }
  }

  /** Starts a server and a client on in-memory streams, initialised. */
  static async start(init: InitializationOptions = {}, options: ServerOptions = {}): Promise<TestClient> {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    // Reader/writer objects, not the streams: given raw streams, vscode-languageserver exits the
    // process when they close.
    const serverConnection = createConnection(
      new StreamMessageReader(toServer),
      new StreamMessageWriter(toClient),
    );
    const server = startServer(serverConnection, options);
    const connection = createProtocolConnection(
      new StreamMessageReader(toClient),
      new StreamMessageWriter(toServer),
    );
    const client = new TestClient(connection, () => {
      server.dispose();
      connection.dispose();
      serverConnection.dispose();
      toServer.destroy();
      toClient.destroy();
    });
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      capabilities: {
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          rename: { prepareSupport: true },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        },
      },
      initializationOptions: { diagnosticsDelay: 0, graphDelay: 0, ...init },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  async dispose(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
    } catch {
      // Already gone.
    }
    this.teardown();
  }

  /** Resolves with the first diagnostics for `uri` at `version` or later (or already received). */
  diagnosticsFor(
    uri: string,
    version = this.versions.get(uri) ?? 1,
    timeoutMs = 20_000,
  ): Promise<Diagnostic[]> {
    const have = this.diagnostics.get(uri);
    if (have && (have.version ?? 0) >= version) return Promise.resolve(have.diagnostics);
    return this.wait(
      this.diagnosticWaiters,
      (p) => p.uri === uri && (p.version ?? 0) >= version,
      timeoutMs,
      `diagnostics for ${uri} v${version}`,
    ).then((p) => p.diagnostics);
  }

  nextGraph(test: (g: GraphResult) => boolean, timeoutMs = 20_000): Promise<GraphResult> {
    const have = this.graphs.find(test);
    if (have) return Promise.resolve(have);
    return this.wait(this.graphWaiters, test, timeoutMs, 'tsflow/graphChanged');
  }

  private wait<T>(
    waiters: Waiter<T>[],
    test: (v: T) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter<T> = {
        test,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      };
      waiters.push(waiter);
    });
  }

  async open(uri: string, text: string, languageId = 'typescript'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Opens a file from disk under its own URI. */
  async openFile(file: string): Promise<{ uri: string; text: string }> {
    const text = fs.readFileSync(file, 'utf8');
    const uri = uriOf(file);
    await this.open(uri, text);
    return { uri, text };
  }

  /** Sends changes (a full text, or incremental ones); returns the new version. */
  async change(uri: string, changes: string | TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: typeof changes === 'string' ? [{ text: changes }] : changes,
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  hover(uri: string, position: Position) {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }
  definition(uri: string, position: Position) {
    return this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
  }
  references(uri: string, position: Position, includeDeclaration = true) {
    return this.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri },
      position,
      context: { includeDeclaration },
    });
  }
  completion(uri: string, position: Position) {
    return this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
  }
  prepareRename(uri: string, position: Position) {
    return this.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
  }
  rename(uri: string, position: Position, newName: string) {
    return this.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName });
  }
  async codeLens(uri: string) {
    return (await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }
  symbols(uri: string) {
    return this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
  }
  codeActions(uri: string, diagnostics: Diagnostic[]) {
    const range = diagnostics[0]?.range ?? {
      start: { line: 0, character: 0 },
      end: { line: 0, character: 0 },
    };
    return this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics },
    });
  }
  graph(uri: string) {
    return this.connection.sendRequest(GraphRequest.type, { textDocument: { uri } });
  }
}

/** The position of the `nth` (0-based) occurrence of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (#${nth}) not in text`);
  }
  return offsetToPosition(text, at + delta);
}

export function offsetToPosition(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function positionToOffset(text: string, pos: Position): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < pos.line; i++) offset += lines[i]!.length + 1;
  return offset + pos.character;
}

/** Applies LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort(
    (a, b) => positionToOffset(text, b.range.start) - positionToOffset(text, a.range.start),
  );
  let out = text;
  for (const e of sorted) {
    out =
      out.slice(0, positionToOffset(out, e.range.start)) +
      e.newText +
      out.slice(positionToOffset(out, e.range.end));
  }
  return out;
}

/** The text a range covers. */
export function textAt(text: string, range: { start: Position; end: Position }): string {
  return text.slice(positionToOffset(text, range.start), positionToOffset(text, range.end));
}

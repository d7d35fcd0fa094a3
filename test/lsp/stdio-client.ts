// The shipped bin, spawned as an editor spawns it (`tsflow-language-server --stdio`), with an LSP
// client on its pipes: used by the stdio test and by bench/lsp.ts.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  type InitializeResult,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ShutdownRequest,
} from 'vscode-languageserver-protocol';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from './harness.js';

export const BIN = path.join(ROOT, 'server/bin/tsflow-language-server.js');

/** Builds server/dist when it is missing (the bin runs the built bundle). */
export function ensureBuilt(): void {
  if (fs.existsSync(path.join(ROOT, 'server/dist/main.js'))) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  assert.equal(r.status, 0, 'build failed');
}

export class StdioServer {
  readonly child: ChildProcess;
  readonly connection: ProtocolConnection;
  /** What the server wrote to stderr (when not inherited). */
  stderr = '';
  private readonly waiting = new Map<
    string,
    { version: number; resolve: (p: PublishDiagnosticsParams) => void; reject: (e: Error) => void }
  >();
  private exited: Error | undefined;

  /** Spawns the bin; `nodeArgs` go to node (e.g. `--cpu-prof`). */
  constructor(nodeArgs: readonly string[] = [], stderr: 'pipe' | 'inherit' = 'pipe') {
    this.child = spawn(process.execPath, [...nodeArgs, BIN, '--stdio'], { stdio: ['pipe', 'pipe', stderr] });
    this.child.stderr?.on('data', (d) => {
      this.stderr += d;
    });
    this.child.once('exit', (code, signal) => {
      this.exited = new Error(`the server exited (code ${code}, signal ${signal}) before answering`);
      for (const w of this.waiting.values()) w.reject(this.exited);
      this.waiting.clear();
    });
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout!),
      new StreamMessageWriter(this.child.stdin!),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const w = this.waiting.get(p.uri);
      if (w && (p.version ?? 0) >= w.version) {
        this.waiting.delete(p.uri);
        w.resolve(p);
      }
    });
    this.connection.listen();
  }

  /** `initialize`, then `initialized`. */
  async initialize(rootUri: string | null = null): Promise<InitializeResult> {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      capabilities: {},
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  open(uri: string, text: string): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'typescript', version: 1, text },
    });
  }

  /** Resolves with the next diagnostics of `uri` at `version` or later: ask before the change that makes them. */
  diagnostics(uri: string, version = 1): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      if (this.exited) reject(this.exited);
      else this.waiting.set(uri, { version, resolve, reject });
    });
  }

  /** `shutdown`, then `exit`; resolves with the exit code. */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  /** Ends the process if it is still running (after a failed test). */
  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

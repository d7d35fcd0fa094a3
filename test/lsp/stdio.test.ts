// The shipped bin, spawned as an editor would: `tsflow-language-server --stdio`.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CodeLensRequest,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
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
import { GraphRequest } from '../../server/src/protocol.js';
import { EXAMPLES, ROOT, uriOf } from './harness.js';

const BIN = path.join(ROOT, 'server/bin/tsflow-language-server.js');

describe('the standalone bin over stdio', () => {
  let child: ChildProcess;
  let connection: ProtocolConnection;
  let stderr = '';
  const diagnostics: PublishDiagnosticsParams[] = [];

  before(() => {
    if (!fs.existsSync(path.join(ROOT, 'server/dist/main.js'))) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
      assert.equal(r.status, 0, 'build failed');
    }
    child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      diagnostics.push(p);
    });
    connection.listen();
  });
  after(() => {
    connection.dispose();
    if (child.exitCode === null) child.kill();
  });

  it('initialises, analyses a flow, answers requests, and exits cleanly', async () => {
    const init = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(ROOT),
      capabilities: {},
    });
    assert.equal(init.serverInfo?.name, 'tsflow-language-server');
    assert.ok(init.capabilities.codeLensProvider);
    await connection.sendNotification(InitializedNotification.type, {});
    const file = path.join(EXAMPLES, 'petsflow.ts');
    const uri = uriOf(file);
    const text = fs.readFileSync(file, 'utf8').replace('this.next(this.end);', 'this.next(this.edn);');
    const published = new Promise<PublishDiagnosticsParams>((resolve) => {
      connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
        diagnostics.push(p);
        if (p.uri === uri) resolve(p);
      });
    });
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'typescript', version: 1, text },
    });
    const d = await published;
    assert.deepEqual(
      d.diagnostics.map((x) => [x.code, x.message]),
      [['unknown-target', "step 'join' goes to 'edn', which is not a step of PetsFlow: did you mean 'end'?"]],
    );
    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.deepEqual(
      lenses?.map((l) => l.command?.title),
      ['▶ Run flow', 'Resume', 'Show DAG'],
    );
    const graph = await connection.sendRequest(GraphRequest.type, { textDocument: { uri } });
    assert.deepEqual(
      graph.flows[0]!.steps.map((s) => s.name),
      ['start', 'a', 'b', 'join', 'end'],
    );
    await connection.sendRequest(ShutdownRequest.type);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await connection.sendNotification(ExitNotification.type);
    assert.equal(await exited, 0, stderr);
  });

  it('prints its usage and version', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: tsflow-language-server \[--stdio/);
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

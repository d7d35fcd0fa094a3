// The shipped bin, spawned as an editor would: `tsflow-language-server --stdio`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeLensRequest } from 'vscode-languageserver-protocol';
import { GraphRequest } from '../../server/src/protocol.js';
import { EXAMPLES, ROOT, uriOf } from './harness.js';
import { BIN, ensureBuilt, StdioServer } from './stdio-client.js';

describe('the standalone bin over stdio', () => {
  let server: StdioServer;

  before(() => {
    ensureBuilt();
    server = new StdioServer();
  });
  after(() => server.kill());

  it('initialises, analyses a flow, answers requests, and exits cleanly', async () => {
    const init = await server.initialize(uriOf(ROOT));
    assert.equal(init.serverInfo?.name, 'tsflow-language-server');
    assert.ok(init.capabilities.codeLensProvider);
    const file = path.join(EXAMPLES, 'petsflow.ts');
    const uri = uriOf(file);
    const text = fs.readFileSync(file, 'utf8').replace('this.next(this.end);', 'this.next(this.edn);');
    const published = server.diagnostics(uri);
    await server.open(uri, text);
    const d = await published;
    assert.deepEqual(
      d.diagnostics.map((x) => [x.code, x.message]),
      [['unknown-target', "step 'join' goes to 'edn', which is not a step of PetsFlow: did you mean 'end'?"]],
    );
    const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.deepEqual(
      lenses?.map((l) => l.command?.title),
      ['▶ Run flow', 'Resume', 'Show DAG'],
    );
    const graph = await server.connection.sendRequest(GraphRequest.type, { textDocument: { uri } });
    assert.deepEqual(
      graph.flows[0]!.steps.map((s) => s.name),
      ['start', 'a', 'b', 'join', 'end'],
    );
    assert.equal(await server.stop(), 0, server.stderr);
  });

  it('prints its usage and version', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: tsflow-language-server \[--stdio/);
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

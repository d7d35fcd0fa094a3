import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSource } from '../../runtime/src/graph/index.js';
import { SHOP } from './flows.js';
import { EXAMPLES, TestClient, uriOf } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tsflow/graph request', () => {
  it('answers the graph JSON of the runtime graph module for an open document', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///tmp/lsp/graph.ts';
      await client.open(uri, SHOP);
      const g = await client.graph(uri);
      assert.equal(g.uri, uri);
      assert.equal(g.file, '/tmp/lsp/graph.ts');
      assert.equal(g.version, 1);
      assert.equal(g.stale, false);
      assert.deepEqual(g.problems, []);
      assert.deepEqual(g.flows, analyzeSource('/tmp/lsp/graph.ts', SHOP).flows);
    } finally {
      await client.dispose();
    }
  });

  it('keeps the last good graph, marked stale, while the text does not parse', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///tmp/lsp/stale.ts';
      await client.open(uri, SHOP);
      const broken = SHOP.replace(
        'this.next(this.end);\n  }\n\n  @step end',
        'this.next(this.\n  }\n\n  @step end',
      );
      await client.change(uri, broken);
      const g = await client.graph(uri);
      assert.equal(g.stale, true);
      assert.equal(g.version, 1);
      assert.equal(g.flows[0]!.steps.length, 10);
      // Fixed: fresh again.
      await client.change(uri, SHOP.replace('report', 'summary').replace('this.report', 'this.summary'));
      const fixed = await client.graph(uri);
      assert.equal(fixed.stale, false);
      assert.equal(fixed.version, 3);
    } finally {
      await client.dispose();
    }
  });

  it('reads a file that is not open from disk', async () => {
    const client = await TestClient.start();
    try {
      const file = path.join(EXAMPLES, 'petsflow.ts');
      const g = await client.graph(uriOf(file));
      assert.equal(g.version, null);
      assert.equal(g.file, file);
      assert.deepEqual(
        g.flows.map((f) => f.name),
        ['PetsFlow'],
      );
      await assert.rejects(client.graph(uriOf('/nonexistent/flow.ts')), /cannot read/);
      await assert.rejects(client.graph('untitled:nothing'), /not open/);
    } finally {
      await client.dispose();
    }
  });
});

describe('tsflow/graphChanged notification', () => {
  it('is sent on open and after a burst of edits, once, debounced', async () => {
    const client = await TestClient.start({ graphDelay: 1000 });
    try {
      const uri = 'file:///tmp/lsp/notify.ts';
      await client.open(uri, SHOP);
      const first = await client.nextGraph((g) => g.uri === uri);
      assert.equal(first.version, 1);
      assert.equal(first.flows[0]!.name, 'ShopFlow');
      const count = client.graphs.length;
      // Ten edits sent back to back (as fast typing does), each re-analysed for diagnostics.
      const sent: Promise<number>[] = [];
      for (let i = 0; i < 10; i++) sent.push(client.change(uri, SHOP.replace(/report/g, `report${i}`)));
      const v = (await Promise.all(sent)).at(-1)!;
      const last = await client.nextGraph((g) => g.version === v);
      assert.ok(last.flows[0]!.steps.some((s) => s.name === 'report9'));
      await sleep(300);
      assert.equal(client.graphs.length, count + 1, 'one notification for the burst');
    } finally {
      await client.dispose();
    }
  });

  it('is not sent when an edit leaves the graph as it was, and says when the flow is gone', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///tmp/lsp/same.ts';
      await client.open(uri, SHOP);
      await client.nextGraph((g) => g.uri === uri);
      const count = client.graphs.length;
      // A comment after the class: no range in the graph moves.
      await client.change(uri, `${SHOP}// a comment\n`);
      await client.diagnosticsFor(uri, 2);
      await sleep(50);
      assert.equal(client.graphs.length, count);
      // No flow any more: one notification with no flows.
      const v = await client.change(uri, 'export const x = 1;\n');
      const gone = await client.nextGraph((g) => g.version === v);
      assert.deepEqual(gone.flows, []);
      // Non-flow files never notify.
      await client.open('file:///tmp/lsp/plain.ts', 'export const y = 2;\n');
      await client.change('file:///tmp/lsp/plain.ts', 'export const y = 3;\n');
      await sleep(50);
      assert.ok(client.graphs.every((g) => g.uri !== 'file:///tmp/lsp/plain.ts'));
    } finally {
      await client.dispose();
    }
  });
});

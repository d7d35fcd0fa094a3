import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyzeSource } from '../../runtime/src/graph/index.js';
import { SHOP } from './flows.js';
import { applyEdits, positionOf, TestClient, textAt } from './harness.js';

describe('rename a step', () => {
  let client: TestClient;
  const uri = 'file:///tmp/lsp/rename.ts';
  before(async () => {
    client = await TestClient.start();
    await client.open(uri, SHOP);
  });
  after(() => client.dispose());

  it('prepares on the name or a reference', async () => {
    const onName = await client.prepareRename(uri, positionOf(SHOP, '@step count', 7));
    assert.deepEqual(
      onName && 'placeholder' in onName ? [textAt(SHOP, onName.range), onName.placeholder] : null,
      ['count', 'count'],
    );
    const onInput = await client.prepareRename(uri, positionOf(SHOP, 'inputs.count', 8));
    assert.ok(onInput && 'placeholder' in onInput && onInput.placeholder === 'count');
    assert.equal(await client.prepareRename(uri, positionOf(SHOP, 'console')), null);
  });

  it('renames the method and every reference; the flow stays valid', async () => {
    const edit = await client.rename(uri, positionOf(SHOP, 'this.price', 6), 'pricing');
    const edits = edit!.changes![uri]!;
    assert.deepEqual(
      edits.map((e) => textAt(SHOP, e.range)),
      ['price', 'price', 'price'],
    );
    const renamed = applyEdits(SHOP, edits);
    assert.match(renamed, /this\.next\(this\.pricing, this\.count\)/);
    assert.match(renamed, /@step pricing\(\)/);
    assert.match(renamed, /inputs\.pricing\.totals/);
    const after = analyzeSource('/tmp/lsp/rename.ts', renamed);
    assert.deepEqual(after.problems, []);
    assert.deepEqual(
      after.flows[0]!.steps.map((s) => s.name),
      analyzeSource('/tmp/lsp/rename.ts', SHOP).flows[0]!.steps.map((s) =>
        s.name === 'price' ? 'pricing' : s.name,
      ),
    );
  });

  it('refuses names that cannot be a step, and start/end', async () => {
    const at = positionOf(SHOP, '@step count', 7);
    await assert.rejects(client.rename(uri, at, '9lives'), /can't be a step name/);
    await assert.rejects(client.rename(uri, at, 'next'), /FlowSpec uses it/);
    await assert.rejects(client.rename(uri, at, 'merge'), /already has a member named 'merge'/);
    await assert.rejects(client.rename(uri, at, 'totals'), /already has a member named 'totals'/);
    await assert.rejects(client.prepareRename(uri, positionOf(SHOP, '@step start', 7)), /can't be renamed/);
    await assert.rejects(client.rename(uri, positionOf(SHOP, 'this.end', 6), 'finish'), /can't be renamed/);
  });
});

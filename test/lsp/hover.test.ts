import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { SHOP } from './flows.js';
import { positionOf, TestClient, textAt } from './harness.js';

describe('hover', () => {
  let client: TestClient;
  const uri = 'file:///tmp/lsp/hover.ts';
  before(async () => {
    client = await TestClient.start();
    await client.open(uri, SHOP);
  });
  after(() => client.dispose());

  const hoverAt = async (needle: string, delta = 0, nth = 0) => {
    const h = await client.hover(uri, positionOf(SHOP, needle, delta, nth));
    return h && { value: (h.contents as MarkupContent).value, range: h.range && textAt(SHOP, h.range) };
  };

  it('the flow is valid', async () => {
    assert.deepEqual(await client.diagnosticsFor(uri), []);
  });

  it('on a step name: kind, decorators, predecessors, successors, artifacts', async () => {
    const h = await hoverAt('price() {', 2);
    assert.equal(h?.range, 'price');
    assert.equal(
      h?.value,
      [
        '**ShopFlow.price**: linear step',
        '',
        '- decorators: `@retry({ times: 2 })`, `@step`',
        '- predecessors: `start`',
        '- successors: `merge`',
        '- assigns: `totals`',
        '- reads: `baskets`, `rate`',
        '',
        'Sums each basket.',
      ].join('\n'),
    );
  });

  it('on this.x in this.next(...) and on inputs.x: the step named', async () => {
    const h = await hoverAt('this.merge', 6);
    assert.equal(h?.range, 'merge');
    assert.match(h!.value, /^\*\*ShopFlow\.merge\*\*: join\n/);
    assert.match(h!.value, /Closes the split at `start`/);
    assert.match(h!.value, /- predecessors: `price`, `count`/);
    const fan = await hoverAt('this.fan', 6);
    assert.match(fan!.value, /: foreach split\n/);
    assert.match(fan!.value, /One task per element of `items`/);
    assert.match(fan!.value, /Closed by the join `gather`/);
    const i = await hoverAt('inputs.count', 8);
    assert.equal(i?.range, 'count');
    assert.match(i!.value, /\*\*ShopFlow\.count\*\*/);
  });

  it('on a join and a switch', async () => {
    const gather = await hoverAt('gather(inputs', 1);
    assert.match(gather!.value, /: join\n/);
    assert.match(gather!.value, /Closes the split at `fan`/);
    const decide = await hoverAt('decide() {', 1);
    assert.match(decide!.value, /: switch\n/);
    assert.match(decide!.value, /- successors: `big → report`, `small → end`/);
    assert.match(decide!.value, /Goes where `mode` says/);
  });

  it('on an artifact and a parameter', async () => {
    const a = await hoverAt('this.totals', 7, 1);
    assert.equal(a?.range, 'totals');
    assert.match(a!.value, /\*\*ShopFlow\.totals\*\*: artifact/);
    assert.match(a!.value, /- assigned in: `price`, `merge`/);
    assert.match(a!.value, /- read in: `report`/);
    const p = await hoverAt('this.rate', 6);
    assert.match(p!.value, /parameter `--rate`/);
    assert.match(p!.value, /type number, default `0.2`/);
    assert.match(p!.value, /the tax rate/);
  });

  it('nothing elsewhere', async () => {
    assert.equal(await client.hover(uri, positionOf(SHOP, 'console')), null);
    assert.equal(await client.hover(uri, { line: 0, character: 0 }), null);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Location } from 'vscode-languageserver-protocol';
import { SHOP } from './flows.js';
import { positionOf, TestClient, textAt } from './harness.js';

describe('go to definition and references', () => {
  let client: TestClient;
  const uri = 'file:///tmp/lsp/nav.ts';
  before(async () => {
    client = await TestClient.start();
    await client.open(uri, SHOP);
  });
  after(() => client.dispose());

  /** Each location as `line:text`, 1-based lines. */
  const show = (locs: Location[] | Location | null) =>
    (Array.isArray(locs) ? locs : locs ? [locs] : []).map((l) => {
      assert.equal(l.uri, uri);
      return `${l.range.start.line + 1}:${textAt(SHOP, l.range)}`;
    });
  const line = (needle: string, nth = 0) => positionOf(SHOP, needle, 0, nth).line + 1;

  it('from this.next(this.x) to step x', async () => {
    const d = await client.definition(uri, positionOf(SHOP, 'this.count', 5));
    assert.deepEqual(show(d as Location[]), [`${line('@step count')}:count`]);
    // A switch case too.
    const s = await client.definition(uri, positionOf(SHOP, 'big: this.report', 10));
    assert.deepEqual(show(s as Location[]), [`${line('@step report')}:report`]);
  });

  it('from inputs.a to step a', async () => {
    const d = await client.definition(uri, positionOf(SHOP, 'inputs.price', 8));
    assert.deepEqual(show(d as Location[]), [`${line('@step price')}:price`]);
  });

  it('from an artifact use to where it is assigned', async () => {
    const d = await client.definition(uri, positionOf(SHOP, 'console.log(this.totals', 17));
    assert.deepEqual(show(d as Location[]), [
      `${line('this.totals =')}:totals`,
      `${line('this.totals = inputs')}:totals`,
    ]);
    // The foreach artifact string, and a field with an initialiser.
    const f = await client.definition(uri, positionOf(SHOP, "foreach: 'items'", 10));
    assert.deepEqual(show(f as Location[]), [
      `${line('this.items =')}:items`,
      `${line('this.items = inputs')}:items`,
    ]);
    const b = await client.definition(uri, positionOf(SHOP, 'this.baskets.flat', 6));
    assert.deepEqual(show(b as Location[]), [
      `${line('baskets:')}:baskets`,
      `${line('this.baskets =')}:baskets`,
    ]);
  });

  it('references of a step: every this.x and inputs.x, and the declaration', async () => {
    const r = await client.references(uri, positionOf(SHOP, '@step price', 7));
    assert.deepEqual(show(r), [
      `${line('this.next(this.price')}:price`,
      `${line('@step price')}:price`,
      `${line('inputs.price')}:price`,
    ]);
    const without = await client.references(uri, positionOf(SHOP, '@step price', 7), false);
    assert.equal(without?.length, 2);
  });

  it('references of an artifact: reads, writes, the foreach option', async () => {
    const r = await client.references(uri, positionOf(SHOP, 'this.items =', 6));
    assert.deepEqual(show(r), [
      `${line('this.items =')}:items`,
      `${line('this.items = inputs')}:items`,
      `${line("foreach: 'items'")}:items`,
    ]);
  });

  it('nothing on other names', async () => {
    assert.equal(await client.definition(uri, positionOf(SHOP, 'console')), null);
    assert.equal(await client.references(uri, positionOf(SHOP, 'reduce')), null);
  });
});

describe('navigation while the flow class itself is being edited', () => {
  it('uses the last good analysis, with positions mapped across the edit', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///tmp/lsp/nav-broken.ts';
      await client.open(uri, SHOP);
      // No flow is recognisable any more (the base class is half-typed), and a line was added above.
      const broken = SHOP.replace(
        'export class ShopFlow extends FlowSpec {',
        '// a note\nexport class ShopFlow extends Flo {',
      );
      await client.change(uri, broken);
      const d = await client.definition(uri, positionOf(broken, 'this.count', 5));
      assert.deepEqual(
        (d as Location[]).map((l) => [l.range.start.line, textAt(broken, l.range)]),
        [[positionOf(broken, '@step count').line, 'count']],
      );
      const h = await client.hover(uri, positionOf(broken, 'inputs.price', 8));
      assert.equal(textAt(broken, h!.range!), 'price');
      const refs = await client.references(uri, positionOf(broken, '@step price', 7));
      assert.deepEqual(
        refs!.map((l) => textAt(broken, l.range)),
        ['price', 'price', 'price'],
      );
      // The class line is the edited region: no lens and no flow symbol are placed in it.
      assert.deepEqual(await client.codeLens(uri), []);
      const symbols = await client.symbols(uri);
      assert.deepEqual(symbols, []);
      // Inside the edited region nothing is claimed.
      assert.equal(await client.hover(uri, positionOf(broken, 'Flo {', 1)), null);
    } finally {
      await client.dispose();
    }
  });
});

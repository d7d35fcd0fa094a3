import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DocumentSymbol } from 'vscode-languageserver-protocol';
import { Commands, type FlowCommandArgs } from '../../server/src/protocol.js';
import { SHOP } from './flows.js';
import { TestClient, textAt } from './harness.js';

const TWO = `import { FlowSpec, step } from 'tsflow';
export class One extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
export class Two extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
`;

describe('CodeLens', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(() => client.dispose());

  it('puts Run, Resume and Show DAG on each flow class, with the file and class', async () => {
    const uri = 'file:///tmp/lsp/two.ts';
    await client.open(uri, TWO);
    const lenses = await client.codeLens(uri);
    assert.deepEqual(
      lenses.map((l) => [textAt(TWO, l.range), l.command!.title, l.command!.command]),
      [
        ['One', '▶ Run flow', Commands.runFlow],
        ['One', 'Resume', Commands.resumeFlow],
        ['One', 'Show DAG', Commands.showDag],
        ['Two', '▶ Run flow', Commands.runFlow],
        ['Two', 'Resume', Commands.resumeFlow],
        ['Two', 'Show DAG', Commands.showDag],
      ],
    );
    const args = lenses[3]!.command!.arguments as [FlowCommandArgs];
    assert.deepEqual(args, [{ uri, file: '/tmp/lsp/two.ts', flow: 'Two' }]);
  });

  it('has none for a file without a flow', async () => {
    await client.open('file:///tmp/lsp/none.ts', 'export const FlowSpec = 1;');
    assert.deepEqual(await client.codeLens('file:///tmp/lsp/none.ts'), []);
  });
});

describe('document symbols', () => {
  it('list each flow with its parameters and steps in source order', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///tmp/lsp/shop.ts';
      await client.open(uri, SHOP);
      const symbols = (await client.symbols(uri)) as DocumentSymbol[];
      assert.equal(symbols.length, 1);
      const flow = symbols[0]!;
      assert.equal(flow.name, 'ShopFlow');
      assert.equal(flow.detail, 'flow, 10 steps');
      assert.equal(textAt(SHOP, flow.selectionRange), 'ShopFlow');
      assert.deepEqual(
        flow.children!.map((c) => [c.name, c.detail]),
        [
          ['rate', '--rate'],
          ['start', 'static split (start)'],
          ['price', 'linear step'],
          ['count', 'linear step'],
          ['merge', 'join'],
          ['fan', 'foreach split'],
          ['each', 'linear step'],
          ['gather', 'join'],
          ['decide', 'switch'],
          ['report', 'linear step'],
          ['end', 'end step'],
        ],
      );
      const price = flow.children!.find((c) => c.name === 'price')!;
      assert.equal(textAt(SHOP, price.selectionRange), 'price');
      assert.ok(textAt(SHOP, price.range).startsWith('@retry({ times: 2 })'));
    } finally {
      await client.dispose();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-protocol';
import { completionContext, insideNextCall } from '../../server/src/completion.js';
import { SHOP } from './flows.js';
import { offsetToPosition, TestClient, textAt } from './harness.js';

describe('completion', () => {
  let client: TestClient;
  const uri = 'file:///tmp/lsp/complete.ts';
  before(async () => {
    client = await TestClient.start();
    await client.open(uri, SHOP);
  });
  after(() => client.dispose());

  /** Replaces `find` (its first occurrence) by `typed`, and completes where `|` is in `typed`. */
  async function complete(find: string, typed: string): Promise<{ items: CompletionItem[]; text: string }> {
    const cursor = typed.indexOf('|');
    assert.ok(cursor >= 0 && SHOP.includes(find));
    const at = SHOP.indexOf(find);
    const text = SHOP.slice(0, at) + typed.replace('|', '') + SHOP.slice(at + find.length);
    await client.change(uri, text);
    const result = await client.completion(uri, offsetToPosition(text, at + cursor));
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    return { items, text };
  }
  const labels = (items: CompletionItem[]) => items.map((i) => i.label);

  it('step names after this.next(this.', async () => {
    const { items, text } = await complete('this.next(this.gather);', 'this.next(this.|');
    // Every step but the start and the current one ('each'), in flow order.
    assert.deepEqual(labels(items), ['price', 'count', 'merge', 'fan', 'gather', 'decide', 'report', 'end']);
    const gather = items.find((i) => i.label === 'gather')!;
    assert.equal(gather.detail, 'step: join');
    assert.equal((gather.textEdit as TextEdit).newText, 'gather');
    assert.equal(textAt(text, (gather.textEdit as TextEdit).range), '');
  });

  it('replaces the part of the name already typed', async () => {
    const { items, text } = await complete('this.next(this.gather);', 'this.next(this.ga|');
    const edit = items.find((i) => i.label === 'gather')!.textEdit as TextEdit;
    assert.equal(textAt(text, edit.range), 'ga');
  });

  it('this.<step> right after this.next( and after a comma', async () => {
    const first = await complete('this.next(this.gather);', 'this.next(|');
    assert.ok(labels(first.items).includes('this.gather'));
    const second = await complete('this.next(this.price, this.count);', 'this.next(this.price, |');
    assert.ok(labels(second.items).includes('this.count'));
    assert.ok(!labels(second.items).includes('this.start'));
  });

  it('in switch cases', async () => {
    const { items } = await complete(
      '{ big: this.report, small: this.end }',
      '{ big: this.report, small: this.|',
    );
    assert.ok(labels(items).includes('end'));
  });

  it('artifact names in { foreach: ... } and { condition: ... }, the step’s own first', async () => {
    const foreach = await complete("{ foreach: 'items' }", "{ foreach: '|' }");
    const names = labels(foreach.items);
    assert.deepEqual([...names].sort(), ['baskets', 'double', 'doubles', 'items', 'mode', 'rate', 'totals']);
    // 'fan' assigns nothing; its ancestors assign baskets, totals, items (ranked before the rest).
    const rank = (n: string) => foreach.items.find((i) => i.label === n)!.sortText!;
    assert.ok(rank('items') < rank('double'));
    assert.ok(rank('rate') < rank('double'));
    assert.equal(foreach.items.find((i) => i.label === 'rate')!.detail, 'parameter --rate');
    const condition = await complete("{ condition: 'mode' }", "{ condition: 'mo|' }");
    const mode = condition.items.find((i) => i.label === 'mode')!;
    assert.equal(textAt(condition.text, (mode.textEdit as TextEdit).range), 'mo');
    assert.equal(mode.detail, 'artifact assigned in gather');
  });

  it('inputs. in a join: the steps leading into it', async () => {
    const { items } = await complete('inputs.count.items', 'inputs.|');
    assert.deepEqual(labels(items), ['price', 'count']);
    const other = await complete('inputs.map((i) => i.double)', 'inputs.|');
    assert.deepEqual(labels(other.items), ['each']);
  });

  it('nothing elsewhere', async () => {
    assert.deepEqual((await complete('this.baskets.flat()', 'this.|')).items, []);
    assert.deepEqual((await complete('console.log(this.totals', 'console.|')).items, []);
    await client.change(uri, SHOP);
    assert.deepEqual(await client.completion(uri, { line: 0, character: 3 }), []);
  });
});

describe('completion context (text before the cursor)', () => {
  const at = (s: string) => completionContext(s.replace('|', ''), s.indexOf('|'));
  it('reads what is being typed', () => {
    assert.deepEqual(at('  this.next(this.a|'), { kind: 'step', prefix: 'a', afterThis: true });
    assert.deepEqual(at('  this.next(\n    this.a,\n    |'), { kind: 'step', prefix: '', afterThis: false });
    assert.deepEqual(at("  this.next(this.b, { foreach: 'it|"), {
      kind: 'artifact',
      prefix: 'it',
      option: 'foreach',
    });
    assert.deepEqual(at('  x = inputs.|'), { kind: 'input', prefix: '', object: 'inputs' });
    assert.equal(at('  foo(this.|'), undefined);
    assert.equal(at('  this.next(this.a);\n  this.|'), undefined);
    assert.equal(at('@step a() {\n  this.|'), undefined);
    assert.equal(at('  const x = |'), undefined);
  });
  it('finds an enclosing this.next( across object literals, not across blocks', () => {
    assert.equal(insideNextCall('this.next({ a: this.x, b: ', 26), true);
    assert.equal(insideNextCall('if (x) { ', 9), false);
    assert.equal(insideNextCall('x'.repeat(5000), 5000), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSource, type FileAnalysis } from '../../runtime/src/graph/index.js';
import { mayContainFlow } from '../../server/src/documents.js';
import { SHOP, wideFlow } from './flows.js';
import { positionOf, TestClient, textAt } from './harness.js';

function refusal(e: { code?: number; message: string }): void {
  assert.equal(e.code, -32803, e.message);
}

/** Every request the server serves, at one position; resolves when all have answered. */
async function askEverything(client: TestClient, uri: string, line: number, character: number) {
  const position = { line, character };
  const diagnostics = client.diagnostics.get(uri)?.diagnostics ?? [];
  await Promise.all([
    client.hover(uri, position),
    client.definition(uri, position),
    client.references(uri, position),
    client.completion(uri, position),
    client.codeLens(uri),
    client.symbols(uri),
    client.codeActions(uri, diagnostics),
    client.graph(uri),
    // A refusal (start/end, a taken name) is an answer too; anything else is not.
    client.prepareRename(uri, position).catch(refusal),
    client.rename(uri, position, 'renamed').catch(refusal),
  ]);
}

describe('robustness: no input crashes or hangs the server', () => {
  it('half-typed code: every prefix of a flow, cut at each line', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///tmp/lsp/half.ts';
      const lines = SHOP.split('\n');
      await client.open(uri, '');
      for (let n = 1; n <= lines.length; n++) {
        const text = lines.slice(0, n).join('\n');
        const v = await client.change(uri, text);
        if (mayContainFlow(text)) await client.diagnosticsFor(uri, v); // else nothing is published
        await askEverything(client, uri, n - 1, lines[n - 1]!.length);
      }
    } finally {
      await client.dispose();
    }
  });

  it('syntax errors, pathological nesting and binary garbage', async () => {
    const client = await TestClient.start();
    try {
      const bytes = Buffer.alloc(20_000);
      let seed = 7;
      for (let i = 0; i < bytes.length; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        bytes[i] = seed & 0xff;
      }
      const garbage = bytes.toString('latin1');
      const inputs: Record<string, string> = {
        braces: `${SHOP.slice(0, 400)}{{{{ ((( ]]] class extends FlowSpec ${SHOP.slice(400)}`,
        deep: `import { FlowSpec } from 'tsflow';\nclass A extends FlowSpec {}\n${'{'.repeat(30_000)}`,
        binary: `class A extends FlowSpec {\n${garbage}\n}`,
        nul: `class A extends FlowSpec { @step start() { this.next(this.\u0000\u0000end) } }`,
        utf8: bytes.toString('utf8').replace(/^/, 'class X extends FlowSpec {'),
        emoji: SHOP.replace('@step count()', '/* 🛒 𝔘𝔫𝔦 */ @step count()'),
      };
      for (const [name, text] of Object.entries(inputs)) {
        const uri = `file:///tmp/lsp/bad-${name}.ts`;
        await client.open(uri, text);
        const diagnostics = await client.diagnosticsFor(uri);
        assert.ok(Array.isArray(diagnostics), name);
        assert.ok(
          !diagnostics.some((d) => d.code === 'internal-error'),
          `${name}: ${diagnostics[0]?.message}`,
        );
        await askEverything(client, uri, 1, 3);
      }
      // Astral characters before a step on its line: columns are UTF-16 code units, as LSP expects.
      const emoji = inputs.emoji!;
      const h = await client.hover('file:///tmp/lsp/bad-emoji.ts', positionOf(emoji, 'ShopFlow extends', 2));
      assert.equal(h, null);
      const onStep = await client.hover('file:///tmp/lsp/bad-emoji.ts', positionOf(emoji, '@step count', 8));
      assert.equal(textAt(emoji, onStep!.range!), 'count');
    } finally {
      await client.dispose();
    }
  });

  it('a 10,000-line flow file', async () => {
    const client = await TestClient.start();
    try {
      const text = wideFlow('HugeFlow', 10_000);
      assert.ok(text.split('\n').length >= 10_000);
      const uri = 'file:///tmp/lsp/huge.ts';
      await client.open(uri, text);
      assert.deepEqual(await client.diagnosticsFor(uri), []);
      const lens = await client.codeLens(uri);
      assert.equal(lens.length, 3);
      await askEverything(client, uri, 3, 20);
      const v = await client.change(uri, text.replace('this.b7,', 'this.b7x,'));
      const d = await client.diagnosticsFor(uri, v);
      assert.deepEqual(
        d.map((x) => x.code),
        ['unknown-target'],
      );
    } finally {
      await client.dispose();
    }
  });

  it('caps what it publishes: a huge file is not analysed, at most 1,000 problems are shown', async () => {
    const client = await TestClient.start();
    try {
      const big = `class A extends FlowSpec {}\n${'// padding padding padding padding\n'.repeat(30_000)}`;
      await client.open('file:///tmp/lsp/big.ts', big);
      const tooLarge = await client.diagnosticsFor('file:///tmp/lsp/big.ts');
      assert.deepEqual(
        tooLarge.map((d) => d.code),
        ['too-large'],
      );
      const many = `import { FlowSpec, retry, step } from 'tsflow';\nclass A extends FlowSpec {\n${'  @retry({ times: 1 })\n'.repeat(3000)}  @step start() { this.next(this.end); }\n  @step end() {}\n}\n`;
      await client.open('file:///tmp/lsp/many.ts', many);
      const capped = await client.diagnosticsFor('file:///tmp/lsp/many.ts');
      assert.equal(capped.length, 1001);
      assert.equal(capped[1000]!.code, 'too-many-problems');
      assert.match(capped[1000]!.message as string, /1,999 more problems/);
      assert.equal((await client.graph('file:///tmp/lsp/many.ts')).problems.length, 1000);
    } finally {
      await client.dispose();
    }
  });

  it('a failure in one file never affects another', async () => {
    const client = await TestClient.start(
      {},
      {
        analyze: (file, text, options) => {
          if (file.endsWith('crash.ts')) throw new Error('boom');
          // Malformed results: one fails before diagnostics, one makes every feature handler throw.
          if (file.endsWith('malformed.ts'))
            return { file, flows: [], problems: null } as unknown as FileAnalysis;
          if (file.endsWith('broken.ts'))
            return { file, flows: [{}], problems: [] } as unknown as FileAnalysis;
          return analyzeSource(file, text, options);
        },
      },
    );
    try {
      await client.open('file:///tmp/lsp/crash.ts', SHOP);
      await client.open('file:///tmp/lsp/malformed.ts', SHOP);
      await client.open('file:///tmp/lsp/fine.ts', SHOP);
      const crash = await client.diagnosticsFor('file:///tmp/lsp/crash.ts');
      assert.deepEqual(
        crash.map((d) => d.code),
        ['internal-error'],
      );
      assert.match(crash[0]!.message as string, /boom/);
      const malformed = await client.diagnosticsFor('file:///tmp/lsp/malformed.ts');
      assert.deepEqual(
        malformed.map((d) => d.code),
        ['internal-error'],
      );
      await client.open('file:///tmp/lsp/broken.ts', SHOP);
      assert.deepEqual(await client.diagnosticsFor('file:///tmp/lsp/broken.ts'), []);
      for (const uri of [
        'file:///tmp/lsp/crash.ts',
        'file:///tmp/lsp/malformed.ts',
        'file:///tmp/lsp/broken.ts',
      ]) {
        await askEverything(client, uri, 8, 10);
      }
      assert.deepEqual(await client.diagnosticsFor('file:///tmp/lsp/fine.ts'), []);
      assert.equal((await client.codeLens('file:///tmp/lsp/fine.ts')).length, 3);
      assert.ok(client.logs.some((l) => /failed/.test(l)));
    } finally {
      await client.dispose();
    }
  });
});

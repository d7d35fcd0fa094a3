import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeSource, type LintRuleId, RULES } from '../../runtime/src/graph/index.js';
import { DIAGNOSTIC_SOURCE } from '../../server/src/protocol.js';
import { markers } from '../unit/graph/helpers.js';
import { LINT_FIXTURES, positionOf, TestClient, textAt } from './harness.js';

const fixtures = fs
  .readdirSync(LINT_FIXTURES)
  .filter((f) => f.endsWith('.ts'))
  .sort();

describe('diagnostics: one fixture per lint rule, each on its expected range', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(() => client.dispose());

  it('covers every rule', () => {
    for (const rule of Object.keys(RULES) as LintRuleId[]) {
      if (rule === 'internal-error') continue;
      assert.ok(fixtures.includes(`${rule}.ts`), `no fixture for ${rule}`);
    }
  });

  for (const name of fixtures) {
    it(name, async () => {
      const file = path.join(LINT_FIXTURES, name);
      const { uri, text } = await client.openFile(file);
      const expected = markers(text);
      if (name === 'no-flow-class.ts') {
        // The CLI reports it; in the editor a file without a flow is just another file.
        await client.hover(uri, { line: 0, character: 0 }); // a round trip: the open was processed
        assert.deepEqual(client.diagnostics.get(uri)?.diagnostics ?? [], []);
        return;
      }
      const diagnostics = await client.diagnosticsFor(uri, 1);
      assert.deepEqual(
        diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`),
        expected.map((m) => `${m.rule}@${m.line}`),
        diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'),
      );
      expected.forEach((m, i) => {
        const d = diagnostics[i]!;
        assert.equal(d.source, DIAGNOSTIC_SOURCE);
        assert.equal(d.severity, 1);
        if (m.token !== undefined)
          assert.equal(textAt(text, d.range), m.token, `${m.rule}: range covers the token`);
      });
      // The same problems as the CLI's `tsflow check`: one implementation.
      const cli = analyzeSource(file, text).problems;
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.range, d.message]),
        cli.map((p) => [p.rule, p.range, p.message]),
      );
      await client.close(uri);
    });
  }
});

describe('diagnostics: details', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(() => client.dispose());

  it('point related information at the matching split', async () => {
    const { uri, text } = await client.openFile(path.join(LINT_FIXTURES, 'unclosed-split.ts'));
    const [d] = await client.diagnosticsFor(uri);
    const related = d!.relatedInformation!;
    assert.equal(related.length, 1);
    assert.equal(related[0]!.location.uri, uri);
    assert.equal(textAt(text, related[0]!.location.range), 'this.next(this.a, this.b)');
    assert.match(related[0]!.message, /split at 'start'/);
  });

  it('carry the flow and step for code actions', async () => {
    const { uri } = await client.openFile(path.join(LINT_FIXTURES, 'missing-transition.ts'));
    const [d] = await client.diagnosticsFor(uri);
    assert.deepEqual(d!.data, { flow: 'NoNextFlow', step: 'add' });
  });

  it('report every problem at once and follow edits', async () => {
    const uri = 'file:///tmp/lsp/edits.ts';
    const text = `import { FlowSpec, step } from 'tsflow';
export class EditFlow extends FlowSpec {
  @step start() {
    this.next(this.a, this.bee);
  }
  @step a() {
    this.next(this.end);
  }
  @step end() {}
}
`;
    await client.open(uri, text);
    let diagnostics = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['unknown-target'],
    );
    // Incremental edit: `this.bee` → `this.a` makes a duplicate target, then a fix clears it.
    const bee = positionOf(text, 'this.bee');
    let v = await client.change(uri, [
      { range: { start: bee, end: { line: bee.line, character: bee.character + 8 } }, text: 'this.a' },
    ]);
    diagnostics = await client.diagnosticsFor(uri, v);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['invalid-transition'],
    );
    v = await client.change(uri, text.replace('this.a, this.bee', 'this.a'));
    diagnostics = await client.diagnosticsFor(uri, v);
    assert.deepEqual(diagnostics, []);
    // A burst of edits is published once, for the last version.
    const before = client.published.length;
    for (let i = 0; i < 5; i++) v = await client.change(uri, text.replace('this.bee', `this.b${i}`));
    diagnostics = await client.diagnosticsFor(uri, v);
    assert.match(diagnostics[0]!.message as string, /'b4'/);
    assert.ok(client.published.length - before <= 5);
  });

  it('clear a closed document', async () => {
    const { uri } = await client.openFile(path.join(LINT_FIXTURES, 'cycle.ts'));
    assert.equal((await client.diagnosticsFor(uri)).length, 1);
    await client.close(uri);
    await client.hover(uri, { line: 0, character: 0 });
    assert.deepEqual(client.diagnostics.get(uri)?.diagnostics, []);
  });
});

describe('diagnostics: files without a flow', () => {
  it('get nothing and are never parsed', async () => {
    let parses = 0;
    const client = await TestClient.start(
      {},
      {
        analyze: (file, text, options) => {
          parses++;
          return analyzeSource(file, text, options);
        },
      },
    );
    try {
      const uri = 'file:///tmp/lsp/plain.ts';
      await client.open(uri, 'export const x = 1;\nclass A extends B {}\n');
      for (let i = 0; i < 20; i++) await client.change(uri, `export const x = ${i};\nclass A extends B {}\n`);
      assert.equal(await client.hover(uri, { line: 0, character: 14 }), null);
      assert.deepEqual(await client.codeLens(uri), []);
      assert.deepEqual(await client.completion(uri, { line: 0, character: 0 }), []);
      assert.equal(parses, 0);
      assert.equal(client.diagnostics.get(uri), undefined);
      // Not a script at all.
      await client.open('file:///tmp/lsp/readme.md', 'class X extends FlowSpec {}', 'markdown');
      await client.hover('file:///tmp/lsp/readme.md', { line: 0, character: 7 });
      assert.equal(parses, 0);
      // Once it becomes a flow it is analysed.
      const v = await client.change(uri, "import { FlowSpec } from 'tsflow';\nclass A extends FlowSpec {}\n");
      const diagnostics = await client.diagnosticsFor(uri, v);
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['missing-end', 'missing-start'],
      );
      assert.equal(parses, 1);
    } finally {
      await client.dispose();
    }
  });

  it('uses untitled documents too', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'untitled:Untitled-1';
      await client.open(
        uri,
        "import { FlowSpec, step } from 'tsflow';\nclass U extends FlowSpec {\n  @step start() {}\n  @step end() {}\n}\n",
      );
      const diagnostics = await client.diagnosticsFor(uri);
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['missing-transition'],
      );
      const [lens] = await client.codeLens(uri);
      assert.equal((lens!.command!.arguments![0] as { file: string }).file, '/__untitled__/Untitled-1');
    } finally {
      await client.dispose();
    }
  });
});

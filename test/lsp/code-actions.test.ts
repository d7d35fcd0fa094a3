import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { analyzeSource } from '../../runtime/src/graph/index.js';
import { applyEdits, LINT_FIXTURES, TestClient } from './harness.js';

describe('quick fixes', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(() => client.dispose());

  /** Opens `text`, asks for fixes of its `rule` diagnostics, returns them with the text. */
  async function fixes(name: string, text: string, rule: string) {
    const uri = `file:///tmp/lsp/fix-${name}`;
    await client.open(uri, text);
    const diagnostics = (await client.diagnosticsFor(uri)).filter((d) => d.code === rule);
    assert.ok(diagnostics.length > 0, `no ${rule} diagnostic`);
    const actions = (await client.codeActions(uri, diagnostics)) as CodeAction[];
    const apply = (a: CodeAction) => applyEdits(text, a.edit!.changes![uri]!);
    return { actions, apply, diagnostics };
  }
  const rules = (text: string) => analyzeSource('/tmp/fixed.ts', text).problems.map((p) => p.rule);

  it('missing-transition: add this.next(this.end)', async () => {
    const text = fs.readFileSync(path.join(LINT_FIXTURES, 'missing-transition.ts'), 'utf8');
    const { actions, apply } = await fixes('mt.ts', text, 'missing-transition');
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind, a.isPreferred]),
      [['Add this.next(this.end)', 'quickfix', true]],
    );
    const fixed = apply(actions[0]!);
    assert.match(
      fixed,
      / {2}@step add\(\) \{ \/\/ expect: missing-transition add\n {4}this\.total \+= 1;\n {4}this\.next\(this\.end\);\n {2}\}/,
    );
    assert.deepEqual(rules(fixed), []);
  });

  it('missing-transition on an empty one-line body', async () => {
    const text = `import { FlowSpec, step } from 'tsflow';
export class F extends FlowSpec {
  @step start() {}
  @step end() {}
}
`;
    const { actions, apply } = await fixes('mt2.ts', text, 'missing-transition');
    const fixed = apply(actions[0]!);
    assert.match(fixed, / {2}@step start\(\) \{\n {4}this\.next\(this\.end\);\n {2}\}\n/);
    assert.deepEqual(rules(fixed), []);
  });

  it('join-missing-inputs: add the inputs parameter and import Inputs', async () => {
    const text = fs.readFileSync(path.join(LINT_FIXTURES, 'join-missing-inputs.ts'), 'utf8');
    const { actions, apply } = await fixes('jmi.ts', text, 'join-missing-inputs');
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Add the inputs parameter to 'join'"],
    );
    const fixed = apply(actions[0]!);
    assert.match(fixed, /import \{ FlowSpec, step, type Inputs \} from 'tsflow';/);
    assert.match(fixed, /@step join\(inputs: Inputs<NoInputsFlow>\)/);
    assert.deepEqual(rules(fixed), []);
    // Inputs already imported: only the parameter.
    const imported = text.replace('{ FlowSpec, step }', '{ FlowSpec, type Inputs, step }');
    const again = await fixes('jmi2.ts', imported, 'join-missing-inputs');
    assert.equal(again.actions[0]!.edit!.changes!['file:///tmp/lsp/fix-jmi2.ts']!.length, 1);
    assert.deepEqual(rules(again.apply(again.actions[0]!)), []);
  });

  it('unknown-target: fix the typo, or create the step', async () => {
    const text = fs.readFileSync(path.join(LINT_FIXTURES, 'unknown-target.ts'), 'utf8');
    const { actions, apply } = await fixes('ut.ts', text, 'unknown-target');
    // `this.lefft`: a typo of 'left' (preferred) or a new step; `this.helper`: a method, no fix.
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [
        ['Change to this.left', true],
        ["Create step 'lefft'", false],
      ],
    );
    assert.deepEqual(
      rules(apply(actions[0]!)).filter((r) => r !== 'unknown-target'),
      [],
    );
    const created = apply(actions[1]!);
    // The new step goes where its sibling branches go (both left and right go to end).
    assert.match(created, /\n {2}@step lefft\(\) \{\n {4}this\.next\(this\.end\);\n {2}\}\n/);
    assert.deepEqual(rules(created), ['unknown-target']); // this.helper is still wrong
  });

  it('unknown-target: a new branch goes to the join its siblings go to', async () => {
    const text = `import { FlowSpec, type Inputs, step } from 'tsflow';
export class G extends FlowSpec {
  @step start() {
    this.next(this.a, this.zzz);
  }
  @step a() {
    this.next(this.join);
  }
  @step join(inputs: Inputs<G>) {
    this.next(this.end);
  }
  @step end() {}
}
`;
    const { actions, apply } = await fixes('ut2.ts', text, 'unknown-target');
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Create step 'zzz'"],
    );
    const created = apply(actions[0]!);
    assert.match(created, /@step zzz\(\) \{\n {4}this\.next\(this\.join\);\n {2}\}/);
    assert.deepEqual(rules(created), []);
  });

  it('none for diagnostics of another source, or once the text has changed', async () => {
    const text = fs.readFileSync(path.join(LINT_FIXTURES, 'missing-transition.ts'), 'utf8');
    const { diagnostics } = await fixes('mt3.ts', text, 'missing-transition');
    const uri = 'file:///tmp/lsp/fix-mt3.ts';
    const foreign = diagnostics.map((d) => ({ ...d, source: 'ts' }));
    assert.deepEqual(await client.codeActions(uri, foreign), []);
    await client.change(uri, `\n${text}`);
    assert.deepEqual(await client.codeActions(uri, diagnostics), []);
  });
});

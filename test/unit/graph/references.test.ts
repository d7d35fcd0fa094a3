import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSource, type MemberReference } from '../../../runtime/src/graph/index.js';
import { rangeText } from './helpers.js';

const SOURCE = `import { FlowSpec, type Inputs, Parameter, step } from 'tsflow';

export class RefFlow extends FlowSpec {
  alpha = Parameter('alpha', { default: 1 });
  items: number[] = [];
  declared!: string;

  @step start() {
    this.items = [1, 2, this.alpha];
    this['mode'] = 'fast';
    this.next(this.a, this.b);
  }

  @step a() {
    [this.left, this.count] = [1, 2];
    this.count += 1;
    this.next(this.join);
  }

  @step b() {
    this.helper();
    const f = function (this: unknown) { return (this as { x: number }).x; };
    const g = () => this.items;
    this.next(this.join);
  }

  @step join(inputs: Inputs<RefFlow>) {
    this.total = inputs.a.count + inputs.b.count;
    this.next(this.fan, { foreach: 'items' });
  }

  @step fan() {
    this.next(this.gather);
  }

  @step gather(ins: Inputs<RefFlow>) {
    this.next({ yes: this.end, no: this.gather }, { condition: 'mode' });
  }

  helper() {
    return this.items.length;
  }

  @step end() {}
}
`;

type Row = [kind: string, name: string, text: string, flags: string, step: string];
const row = (r: MemberReference): Row => [
  r.kind,
  r.name,
  rangeText(SOURCE, r.range),
  `${r.write ? 'w' : ''}${r.call ? 'c' : ''}`,
  r.step ?? '-',
];

describe('graph references (for the language server)', () => {
  it('are only computed when asked', () => {
    assert.equal(analyzeSource('/tmp/r.ts', SOURCE).references, undefined);
    const { references, flows } = analyzeSource('/tmp/r.ts', SOURCE, { references: true });
    assert.equal(references?.length, flows.length);
    assert.equal(references?.[0]?.flow, 'RefFlow');
  });

  it('lists this.x, inputs.x, fields, helper methods and foreach/condition artifacts, each on the name', () => {
    const refs = analyzeSource('/tmp/r.ts', SOURCE, { references: true }).references![0]!.references;
    assert.deepEqual(refs.map(row), [
      ['field', 'alpha', 'alpha', 'w', '-'],
      ['field', 'items', 'items', 'w', '-'],
      ['field', 'declared', 'declared', '', '-'],
      ['this', 'items', 'items', 'w', 'start'],
      ['this', 'alpha', 'alpha', '', 'start'],
      ['this', 'mode', 'mode', 'w', 'start'],
      ['this', 'next', 'next', 'c', 'start'],
      ['this', 'a', 'a', '', 'start'],
      ['this', 'b', 'b', '', 'start'],
      ['this', 'left', 'left', 'w', 'a'],
      ['this', 'count', 'count', 'w', 'a'],
      ['this', 'count', 'count', 'w', 'a'],
      ['this', 'next', 'next', 'c', 'a'],
      ['this', 'join', 'join', '', 'a'],
      ['this', 'helper', 'helper', 'c', 'b'],
      // `function` has its own this (skipped); the arrow function's this is the flow.
      ['this', 'items', 'items', '', 'b'],
      ['this', 'next', 'next', 'c', 'b'],
      ['this', 'join', 'join', '', 'b'],
      ['this', 'total', 'total', 'w', 'join'],
      ['inputs', 'a', 'a', '', 'join'],
      ['inputs', 'b', 'b', '', 'join'],
      ['this', 'next', 'next', 'c', 'join'],
      ['this', 'fan', 'fan', '', 'join'],
      ['option', 'items', 'items', '', 'join'],
      ['this', 'next', 'next', 'c', 'fan'],
      ['this', 'gather', 'gather', '', 'fan'],
      ['this', 'next', 'next', 'c', 'gather'],
      ['this', 'end', 'end', '', 'gather'],
      ['this', 'gather', 'gather', '', 'gather'],
      ['option', 'mode', 'mode', '', 'gather'],
      ['method', 'helper', 'helper', '', '-'],
      ['this', 'items', 'items', '', '-'],
    ]);
  });

  it('follow a renamed inputs parameter and survive half-typed code', () => {
    const broken = SOURCE.replace(
      'this.next(this.gather);\n  }\n\n  @step gather',
      'this.next(this.\n  }\n\n  @step gather',
    );
    const { references, flows } = analyzeSource('/tmp/r.ts', broken, { references: true });
    assert.equal(flows.length, 1);
    const names = references![0]!.references.map((r) => `${r.kind}:${r.name}`);
    assert.ok(names.includes('inputs:a'));
    assert.ok(names.includes('option:mode'));
  });

  it('are empty (not missing) when the analyser gives up', () => {
    const { references } = analyzeSource('/tmp/deep.ts', '{'.repeat(20000), { references: true });
    assert.deepEqual(references, []);
  });
});

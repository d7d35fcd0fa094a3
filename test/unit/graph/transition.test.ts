import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { analyzeSource, type FlowGraph, type StepNode } from '../../../runtime/src/graph/index.js';
import { checkTransition } from '../../../runtime/src/graph/transition.js';
import { fixturePath, readFixture } from './helpers.js';

const graphOf = (name: string): FlowGraph => analyzeSource(fixturePath(name), readFixture(name)).flows[0]!;
const step = (g: FlowGraph, name: string): StepNode => g.steps.find((s) => s.name === name)!;

describe('checkTransition', () => {
  const split = graphOf('valid-static-split.ts');
  const foreach = graphOf('valid-foreach.ts');
  const loop = graphOf('valid-switch-self-loop.ts');

  it('accepts what the static graph says', () => {
    assert.equal(checkTransition(step(split, 'start'), { next: ['a', 'b'] }), null);
    assert.equal(checkTransition(step(split, 'a'), { next: ['join'] }), null);
    assert.equal(checkTransition(step(split, 'end'), { next: [] }), null);
    assert.equal(
      checkTransition(step(foreach, 'start'), { next: ['square'], foreach: { var: 'items' } }),
      null,
    );
    const train = step(loop, 'train');
    assert.equal(
      checkTransition(train, { next: ['train'], condition: { var: 'status', value: 'again' } }),
      null,
    );
    assert.equal(
      checkTransition(train, { next: ['evaluate'], condition: { var: 'status', value: 'done' } }),
      null,
    );
  });

  it('names both transitions when the task went elsewhere', () => {
    assert.equal(
      checkTransition(step(split, 'a'), { next: ['b'] }),
      "step 'a' called this.next(this.b) but the static graph says this.next(this.join). Write the transition " +
        "literally, as the step's last statement, so that what runs is what the graph shows.",
    );
    assert.match(
      checkTransition(step(split, 'start'), { next: ['a'] })!,
      /called this\.next\(this\.a\) but the static graph says this\.next\(this\.a, this\.b\)/,
    );
    assert.match(
      checkTransition(step(foreach, 'start'), { next: ['square'], foreach: { var: 'other' } })!,
      /this\.next\(this\.square, \{ foreach: 'other' \}\) but the static graph says this\.next\(this\.square, \{ foreach: 'items' \}\)/,
    );
    assert.match(checkTransition(step(foreach, 'start'), { next: ['square'] })!, /foreach: 'items'/);
  });

  it('explains switch values that are not cases, and cases that went elsewhere', () => {
    const train = step(loop, 'train');
    assert.equal(
      checkTransition(train, { next: ['evaluate'], condition: { var: 'status', value: 'maybe' } }),
      "step 'train': condition 'status' is \"maybe\", which is not one of the switch cases ('again', 'done')",
    );
    assert.match(
      checkTransition(train, { next: ['end'], condition: { var: 'status', value: 'done' } })!,
      /went to 'end' for case 'done', but the static graph says case 'done' goes to 'evaluate'/,
    );
    assert.match(checkTransition(train, { next: ['train'] })!, /condition: 'status'/);
  });

  it('rejects a transition out of end, and a missing one elsewhere', () => {
    assert.match(
      checkTransition(step(split, 'end'), { next: ['a'] })!,
      /the end step 'end' called this\.next\(this\.a\)/,
    );
    assert.match(checkTransition(step(split, 'a'), { next: [] })!, /finished without calling this\.next/);
  });

  it('stays free of the TypeScript compiler so task workers load it cheaply', () => {
    const src = fs.readFileSync(new URL('../../../runtime/src/graph/transition.ts', import.meta.url), 'utf8');
    const imports = [...src.matchAll(/^import .* from '([^']+)';/gm)].map((m) => m[1]);
    assert.deepEqual(imports, ['./types.js']);
    assert.match(src, /^import type /m);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeFile,
  analyzeSource,
  type FlowGraph,
  type StepNode,
} from '../../../runtime/src/graph/index.js';
import { fixturePath, rangeText, readFixture } from './helpers.js';

function flowOf(name: string): { graph: FlowGraph; text: string } {
  const text = readFixture(name);
  const { flows } = analyzeSource(fixturePath(name), text);
  assert.equal(flows.length, 1);
  return { graph: flows[0]!, text };
}

function stepOf(graph: FlowGraph, name: string): StepNode {
  const s = graph.steps.find((x) => x.name === name);
  assert.ok(s, `no step ${name}`);
  return s;
}

/** name → [kind, next, prev] for every step, in graph order. */
const shape = (g: FlowGraph) => g.steps.map((s) => [s.name, s.kind, s.next.join(','), s.prev.join(',')]);

const PETS = `import { FlowSpec, type Inputs, Parameter, retry, step } from 'tsflow';

/** Two branches collect pets; the join counts them. */
export class PetsFlow extends FlowSpec {
  alpha = Parameter('alpha', { default: 0.5, help: 'a number' });
  pets: string[] = [];

  @step start() { this.next(this.a, this.b); }

  /** Pets of a house. */
  @retry({ times: 3, minutesBetweenRetries: 0 })
  @step a() {
    this.pets = ['dogs', 'cats'];
    this.next(this.join);
  }

  @step async b() {
    this.pets = ['lions'];
    this.seen = this.alpha * 2;
    this.next(this.join);
  }

  @step join(inputs: Inputs<PetsFlow>) {
    this.pets = [...inputs.a.pets, ...inputs.b.pets];
    this.pets.push('fish');
    this.count += 1;
    this.next(this.end);
  }

  @step end() {}
}
`;

describe('extract: static split (PetsFlow)', () => {
  const { flows, problems } = analyzeSource('/flows/pets.ts', PETS);
  const g = flows[0]!;

  it('finds the flow and its steps without problems', () => {
    assert.deepEqual(problems, []);
    assert.equal(g.schema, 1);
    assert.equal(g.name, 'PetsFlow');
    assert.equal(g.file, '/flows/pets.ts');
    assert.equal(g.doc, 'Two branches collect pets; the join counts them.');
    assert.equal(rangeText(PETS, g.nameRange), 'PetsFlow');
    assert.equal(g.start, 'start');
    assert.equal(g.end, 'end');
  });

  it('computes kinds, successors, predecessors and a topological order', () => {
    assert.deepEqual(shape(g), [
      ['start', 'split-static', 'a,b', ''],
      ['a', 'linear', 'join', 'start'],
      ['b', 'linear', 'join', 'start'],
      ['join', 'join', 'end', 'a,b'],
      ['end', 'end', '', 'join'],
    ]);
    assert.equal(stepOf(g, 'start').isStart, true);
    assert.equal(stepOf(g, 'end').isEnd, true);
  });

  it('matches the split with its join', () => {
    assert.equal(stepOf(g, 'start').matchingJoin, 'join');
    assert.equal(stepOf(g, 'join').matchingSplit, 'start');
    assert.equal(stepOf(g, 'a').matchingJoin, null);
  });

  it('records the transition with a range per target', () => {
    const t = stepOf(g, 'start').transition!;
    assert.deepEqual(t.targets, ['a', 'b']);
    assert.equal(rangeText(PETS, t.range), 'this.next(this.a, this.b)');
    assert.deepEqual(
      t.targetRanges.map((r) => rangeText(PETS, r)),
      ['this.a', 'this.b'],
    );
  });

  it('reads decorators, parameters of the signature, docs and positions', () => {
    const a = stepOf(g, 'a');
    assert.equal(a.doc, 'Pets of a house.');
    assert.deepEqual(
      a.decorators.map((d) => [d.name, d.argsText, d.args]),
      [
        ['retry', '{ times: 3, minutesBetweenRetries: 0 }', { times: 3, minutesBetweenRetries: 0 }],
        ['step', null, null],
      ],
    );
    assert.equal(rangeText(PETS, a.decorators[0]!.argRanges!.times!), '3');
    assert.equal(rangeText(PETS, a.nameRange), 'a');
    assert.equal(a.line, 12);
    assert.ok(rangeText(PETS, a.range).startsWith('@retry({ times: 3'), 'the range includes the decorators');
    const join = stepOf(g, 'join');
    assert.equal(join.paramCount, 1);
    assert.equal(join.paramName, 'inputs');
    assert.equal(stepOf(g, 'b').kind, 'linear', 'async steps are normal steps');
  });

  it('lists assigned and read artifacts', () => {
    assert.deepEqual(stepOf(g, 'b').assigns, ['pets', 'seen']);
    assert.deepEqual(stepOf(g, 'b').reads, ['alpha']);
    const join = stepOf(g, 'join');
    assert.deepEqual(join.assigns, ['pets', 'count']);
    assert.deepEqual(join.reads, ['pets'], 'this.pets.push(...) reads pets; step references are not reads');
  });

  it('reads parameters', () => {
    assert.equal(g.parameters.length, 1);
    const p = g.parameters[0]!;
    assert.deepEqual(
      { field: p.field, name: p.name, type: p.type, required: p.required, help: p.help, d: p.defaultValue },
      { field: 'alpha', name: 'alpha', type: 'number', required: false, help: 'a number', d: 0.5 },
    );
    assert.equal(p.defaultText, '0.5');
    assert.equal(rangeText(PETS, p.nameRange!), "'alpha'");
  });

  it('is plain JSON', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(g)), g);
  });
});

describe('extract: the other shapes', () => {
  it('foreach: kind, artifact, option range, matching join', () => {
    const { graph, text } = flowOf('valid-foreach.ts');
    assert.deepEqual(shape(graph), [
      ['start', 'split-foreach', 'square', ''],
      ['square', 'linear', 'join', 'start'],
      ['join', 'join', 'end', 'square'],
      ['end', 'end', '', 'join'],
    ]);
    const t = stepOf(graph, 'start').transition!;
    assert.equal(t.foreach, 'items');
    assert.equal(rangeText(text, t.optionRange!), "'items'");
    assert.equal(stepOf(graph, 'start').matchingJoin, 'join');
    assert.deepEqual(stepOf(graph, 'square').assigns, ['squared']);
    assert.deepEqual(stepOf(graph, 'square').reads, [], 'this.input is not an artifact');
  });

  it('nested foreach: each split matched with its own join', () => {
    const { graph } = flowOf('valid-nested-foreach.ts');
    assert.deepEqual(
      graph.steps.map((s) => s.name),
      ['start', 'row', 'cell', 'rowJoin', 'allJoin', 'end'],
    );
    assert.equal(stepOf(graph, 'start').matchingJoin, 'allJoin');
    assert.equal(stepOf(graph, 'row').matchingJoin, 'rowJoin');
    assert.equal(stepOf(graph, 'rowJoin').matchingSplit, 'row');
    assert.equal(stepOf(graph, 'allJoin').matchingSplit, 'start');
  });

  it('nested static split: branches listed depth-first, in written order', () => {
    const { graph } = flowOf('valid-nested-split.ts');
    assert.deepEqual(
      graph.steps.map((s) => s.name),
      ['start', 'a', 'a1', 'a2', 'innerJoin', 'b', 'join', 'end'],
    );
    assert.equal(stepOf(graph, 'a').matchingJoin, 'innerJoin');
    assert.equal(stepOf(graph, 'start').matchingJoin, 'join');
    assert.deepEqual(stepOf(graph, 'join').prev, ['b', 'innerJoin']);
  });

  it('switch with a self-loop: cases, condition, the loop edge kept in next', () => {
    const { graph, text } = flowOf('valid-switch-self-loop.ts');
    const train = stepOf(graph, 'train');
    assert.equal(train.kind, 'split-switch');
    assert.deepEqual(train.transition!.switchCases, { again: 'train', done: 'evaluate' });
    assert.equal(train.transition!.condition, 'status');
    assert.equal(rangeText(text, train.transition!.optionRange!), "'status'");
    assert.deepEqual(train.next, ['train', 'evaluate']);
    assert.deepEqual(train.prev, ['start', 'train']);
    assert.equal(train.matchingJoin, null);
    assert.deepEqual(
      graph.steps.map((s) => s.name),
      ['start', 'train', 'evaluate', 'end'],
    );
  });

  it('switch converging on end: no join needed', () => {
    const { graph } = flowOf('valid-switch-end.ts');
    assert.deepEqual(shape(graph), [
      ['start', 'split-switch', 'fast,slow', ''],
      ['fast', 'linear', 'end', 'start'],
      ['slow', 'linear', 'end', 'start'],
      ['end', 'end', '', 'fast,slow'],
    ]);
  });

  it('unreachable steps come last, in source order', () => {
    const text = `import { FlowSpec, step } from 'tsflow';
export class F extends FlowSpec {
  @step zeta() { this.next(this.end); }
  @step end() {}
  @step start() { this.next(this.end); }
  @step alpha() { this.next(this.zeta); }
}`;
    const [g] = analyzeSource('/tmp/f.ts', text).flows;
    assert.deepEqual(
      g!.steps.map((s) => s.name),
      ['start', 'end', 'zeta', 'alpha'],
    );
    assert.deepEqual(stepOf(g!, 'end').prev, ['start', 'zeta']);
  });
});

describe('extract: details', () => {
  it('parameters: explicit and inferred types, required, json', () => {
    const text = `import { FlowSpec, Parameter, step } from 'tsflow';
export class P extends FlowSpec {
  n = Parameter('n', { type: 'number', required: true });
  flag = Parameter('flag', { default: false });
  cfg = Parameter('config', { default: { depth: 2 }, help: 'settings' });
  name2 = Parameter('who');
  computed = Parameter('when', { default: Date.now() });
  static notAParameter = Parameter('x');
  @step start() { this.next(this.end); }
  @step end() {}
}`;
    const [g] = analyzeSource('/tmp/p.ts', text).flows;
    assert.deepEqual(
      g!.parameters.map((p) => [p.field, p.name, p.type, p.required, p.defaultValue]),
      [
        ['n', 'n', 'number', true, undefined],
        ['flag', 'flag', 'boolean', false, false],
        ['cfg', 'config', 'json', false, { depth: 2 }],
        ['name2', 'who', 'string', false, undefined],
        ['computed', 'when', null, false, undefined],
      ],
    );
    assert.equal(g!.parameters[4]!.defaultText, 'Date.now()');
  });

  it('artifacts: compound assignment, destructuring, element access; not calls or nested functions', () => {
    const text = `import { FlowSpec, step } from 'tsflow';
export class A extends FlowSpec {
  helper() { return 1; }
  @step start() {
    this.total += 1;
    this.i++;
    [this.left, this.right] = [1, 2];
    this['quoted'] = this.helper();
    const f = function () { this.notMine = 1; };
    const g = () => { this.arrow = this.source; };
    this.log(this.message);
    this.next(this.end);
  }
  @step end() {}
}`;
    const [g] = analyzeSource('/tmp/a.ts', text).flows;
    const start = stepOf(g!, 'start');
    assert.deepEqual(start.assigns, ['total', 'i', 'left', 'right', 'quoted', 'arrow']);
    assert.deepEqual(start.reads, ['source', 'message']);
  });

  it('several flows in one file; classes that are not flows are ignored', () => {
    const text = `import { FlowSpec, step } from 'tsflow';
class Helper {}
export class One extends FlowSpec { @step start() { this.next(this.end); } @step end() {} }
export class Two extends FlowSpec { @step start() { this.next(this.end); } @step end() {} }`;
    const { flows, problems } = analyzeSource('/tmp/two.ts', text);
    assert.deepEqual(
      flows.map((f) => f.name),
      ['One', 'Two'],
    );
    assert.deepEqual(problems, []);
  });

  it('the shared parser forgets the previous file', () => {
    const a = analyzeSource('/tmp/a.ts', readFixture('valid-foreach.ts'));
    analyzeSource('/tmp/b.ts', readFixture('valid-switch-end.ts'));
    const again = analyzeSource('/tmp/a.ts', readFixture('valid-foreach.ts'));
    assert.deepEqual(again, a);
  });

  it('analyzeFile reads the file; a missing file is a user error', async () => {
    const fromDisk = await analyzeFile(fixturePath('valid-linear.ts'));
    assert.deepEqual(fromDisk, analyzeSource(fixturePath('valid-linear.ts'), readFixture('valid-linear.ts')));
    await assert.rejects(analyzeFile('/no/such/flow.ts'), { name: 'UserError', message: /no such file/ });
  });
});

describe('extract: never throws', () => {
  // Deterministic pseudo-random numbers (mulberry32), so a failure can be reproduced.
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function assertWellFormed(text: string): void {
    const result = analyzeSource('/tmp/fuzz.ts', text);
    assert.ok(Array.isArray(result.flows) && Array.isArray(result.problems));
    for (const p of result.problems) {
      assert.notEqual(p.rule, 'internal-error', `${p.message}\n--- input ---\n${text}`);
      assert.ok(p.line >= 1 && p.column >= 1);
    }
    JSON.stringify(result);
  }

  it('survives 1,000 random truncations of a valid flow', () => {
    const next = random(42);
    const sources = [PETS, readFixture('valid-switch-self-loop.ts'), readFixture('invalid-transition.ts')];
    for (let i = 0; i < 1000; i++) {
      const src = sources[i % sources.length]!;
      assertWellFormed(src.slice(0, Math.floor(next() * (src.length + 1))));
    }
  });

  it('survives random edits (deleted and duplicated spans)', () => {
    const next = random(7);
    for (let i = 0; i < 300; i++) {
      const a = Math.floor(next() * PETS.length);
      const b = Math.min(PETS.length, a + Math.floor(next() * 40));
      const text = i % 2 === 0 ? PETS.slice(0, a) + PETS.slice(b) : PETS.slice(0, b) + PETS.slice(a);
      assertWellFormed(text);
    }
  });

  it('survives garbage', () => {
    const next = random(1);
    const bytes = Buffer.from(Array.from({ length: 4000 }, () => Math.floor(next() * 256)));
    for (const text of [
      '',
      '\uFEFF',
      '\0\0\0',
      bytes.toString('utf8'),
      bytes.toString('latin1'),
      'class X extends FlowSpec { @step',
      'class X extends FlowSpec { @step start( { this.next(this. } }',
      'class X extends FlowSpec { @step start() { this.next({ [a]: this.b, ...c }, { condition: }); } }',
      'class X extends FlowSpec { @step end(...xs) { this.next(...this.all) } }',
      `class X extends FlowSpec { ${'@step s() { this.next(this.s); } '.repeat(3)} }`,
    ]) {
      assertWellFormed(text);
    }
  });

  it('reports nesting too deep for the parser as a syntax error', () => {
    const rules = analyzeSource('/tmp/deep.ts', '{'.repeat(20000)).problems.map((p) => p.rule);
    assert.ok(rules.includes('syntax-error') && !rules.includes('internal-error'), rules.join());
    assert.deepEqual(
      analyzeSource('/tmp/ok.ts', readFixture('valid-linear.ts')).problems,
      [],
      'and recovers',
    );
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  analyzeSource,
  formatProblem,
  type LintProblem,
  type LintRuleId,
  lintGraph,
  RULES,
} from '../../../runtime/src/graph/index.js';
import { fixtureNames, fixturePath, markers, rangeText, readFixture } from './helpers.js';

const analyze = (name: string) => analyzeSource(fixturePath(name), readFixture(name));
const summary = (problems: LintProblem[]) => problems.map((p) => `${p.rule}@${p.line}`);

describe('lint fixtures: every problem is reported, on the marked line and token', () => {
  it('has a fixture for every rule', () => {
    const files = new Set(fixtureNames());
    for (const rule of Object.keys(RULES) as LintRuleId[]) {
      if (rule === 'internal-error') continue; // a tsflow bug has no fixture
      assert.ok(files.has(`${rule}.ts`), `missing fixture test/fixtures/lint/${rule}.ts`);
      const rules = markers(readFixture(`${rule}.ts`)).map((m) => m.rule);
      assert.ok(rules.includes(rule), `${rule}.ts has no '// expect: ${rule}' marker`);
    }
  });

  for (const name of fixtureNames()) {
    it(name, () => {
      const text = readFixture(name);
      const expected = markers(text);
      const { problems, file } = analyze(name);
      assert.equal(file, fixturePath(name));
      // Exactly the marked problems: no more (no cascades), no fewer (all at once).
      assert.deepEqual(
        summary(problems),
        expected.map((m) => `${m.rule}@${m.line}`),
        problems.map((p) => formatProblem(p)).join('\n'),
      );
      expected.forEach((m, i) => {
        const p = problems[i]!;
        assert.equal(p.range.start.line, m.line - 1, `${p.rule}: range starts on the marked line`);
        assert.equal(p.column, p.range.start.character + 1);
        assert.equal(p.file, fixturePath(name));
        assert.equal(p.severity, 'error');
        assert.ok(p.message.length > 20, 'a message that explains');
        if (m.token !== undefined)
          assert.equal(rangeText(text, p.range), m.token, `${p.rule}: range covers the token`);
      });
      if (name.startsWith('valid-')) assert.equal(problems.length, 0);
    });
  }
});

describe('lint: all problems of a file at once', () => {
  const source = `import { FlowSpec, Parameter, retry, step } from 'tsflow';

export class ManyFlow extends FlowSpec {
  tag = Parameter('tag');
  @retry({ times: 7 })
  @step start() {
    this.next(this.a, this.bb);
  }
  @step a() {
    this.next(this.join);
  }
  @step b() {
    this.next(this.join);
  }
  @step join() {
    console.log('no transition');
  }
  @step index() {
    this.next(this.end);
  }
  @step end() {
    this.next(this.a);
  }
}
`;
  it('reports each one, in reading order, with precise ranges', () => {
    const { problems } = analyzeSource('/tmp/many.ts', source);
    assert.deepEqual(
      problems.map((p) => [p.rule, p.line, rangeText(source, p.range)]),
      [
        ['reserved-parameter', 4, "'tag'"],
        ['invalid-decorator-argument', 5, '7'],
        ['unknown-target', 7, 'this.bb'],
        ['missing-transition', 15, 'join'],
        ['reserved-name', 18, 'index'],
        ['end-has-transition', 22, 'this.next(this.a)'],
      ],
    );
    const unknown = problems.find((p) => p.rule === 'unknown-target')!;
    assert.match(unknown.message, /did you mean 'b'\?/);
    assert.equal(unknown.flow, 'ManyFlow');
    assert.equal(unknown.step, 'start');
  });

  it('skips reachability and balance while the graph is incomplete, then reports them', () => {
    // With join's transition missing, 'end' is not reachable: that is a consequence, not a second error.
    const before = analyzeSource('/tmp/many.ts', source).problems.map((p) => p.rule);
    assert.ok(!before.includes('unreachable'));
    const fixed = source
      .replace('this.bb', 'this.b')
      .replace("console.log('no transition');", 'this.next(this.end);')
      .replace('this.next(this.a);\n  }\n}', '}\n}');
    const after = analyzeSource('/tmp/many.ts', fixed).problems;
    assert.deepEqual(
      after.map((p) => [p.rule, p.line]),
      [
        ['reserved-parameter', 4],
        ['invalid-decorator-argument', 5],
        ['join-missing-inputs', 15],
        ['reserved-name', 18],
        ['unreachable', 18],
      ],
    );
  });
});

describe('lint: details a user relies on', () => {
  it('points related information at the open split', () => {
    const text = readFixture('unclosed-split.ts');
    const [p] = analyze('unclosed-split.ts').problems;
    assert.equal(p?.related?.length, 1);
    assert.equal(rangeText(text, p!.related![0]!.range), 'this.next(this.a, this.b)');
    assert.equal(p!.related![0]!.file, fixturePath('unclosed-split.ts'));
  });

  it('says how many branches a join expects', () => {
    const [p] = analyze('join-branch-mismatch.ts').problems;
    assert.match(p!.message, /has 3 branches \(a, b, c\), but only 2 lead here \(a, b\)/);
    assert.match(p!.message, /make branch c end in this\.next\(this\.join\)/);
  });

  it('shows the loop as a path', () => {
    const [p] = analyze('cycle.ts').problems;
    assert.match(p!.message, /a -> b -> a/);
  });

  it('lints a graph read back from JSON (the rules that need no syntax)', () => {
    const { flows } = analyze('join-missing-inputs.ts');
    const graph = JSON.parse(JSON.stringify(flows[0]));
    assert.deepEqual(summary(lintGraph(graph)), ['join-missing-inputs@16']);
    const [valid] = analyze('valid-nested-foreach.ts').flows;
    assert.deepEqual(lintGraph(JSON.parse(JSON.stringify(valid))), []);
  });

  it('resolves aliased and namespaced tsflow imports', () => {
    const text = `import * as tf from 'tsflow';
import { step as s, retry as again } from 'tsflow';
export class AliasFlow extends tf.FlowSpec {
  @again({ times: 2 }) @s start() { this.next(this.end); }
  @tf.step end() {}
}`;
    const { flows, problems } = analyzeSource('/tmp/alias.ts', text);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      flows[0]!.steps.map((st) => [st.name, st.decorators.map((d) => d.name)]),
      [
        ['start', ['retry', 'step']],
        ['end', ['step']],
      ],
    );
  });

  it('flags a foreach over a step name and @step called like a factory', () => {
    const text = `import { FlowSpec, step } from 'tsflow';
export class F extends FlowSpec {
  @step() start() { this.next(this.body, { foreach: 'body' }); }
  @step body() { this.next(this.join); }
  @step join(inputs: unknown) { this.next(this.end); }
  @step end() {}
}`;
    const { problems } = analyzeSource('/tmp/f.ts', text);
    assert.deepEqual(
      problems.map((p) => [p.rule, rangeText(text, p.range)]),
      [
        ['invalid-decorator-argument', '@step()'],
        ['invalid-transition', "'body'"],
      ],
    );
  });

  it('reports a file with no flow class on line 1, and an empty file too', () => {
    for (const text of ['', '// nothing here\n', 'export const x = 1;']) {
      const { problems, flows } = analyzeSource('/tmp/none.ts', text);
      assert.deepEqual(flows, []);
      assert.deepEqual(summary(problems), ['no-flow-class@1']);
    }
  });
});

describe('formatProblem', () => {
  it('prints file:line:col: error [rule] message, relative under the working directory', () => {
    const [p] = analyze('unreachable.ts').problems;
    const rel = path.relative(process.cwd(), fixturePath('unreachable.ts'));
    assert.equal(formatProblem(p!), `${rel}:8:9: error [unreachable] ${p!.message}`);
    assert.ok(formatProblem(p!, '/somewhere/else').startsWith(`${fixturePath('unreachable.ts')}:8:9: error`));
  });

  it('keeps fixture files free of problems it does not expect', () => {
    // Guard for the fixture format itself: markers only in trailing comments.
    for (const name of fixtureNames()) {
      for (const m of markers(readFixture(name)))
        assert.ok(m.rule in RULES, `${name}: unknown rule ${m.rule}`);
    }
    assert.ok(fs.existsSync(fixturePath('valid-linear.ts')));
  });
});

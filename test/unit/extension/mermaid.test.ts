// Mermaid generation for the DAG panel: shapes per kind, foreach and switch edges, run-status
// classes, escaping, node ids that map back to steps, and big flows.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSource } from '../../../runtime/src/graph/index.js';
import type { FlowGraph } from '../../../runtime/src/graph/types.js';
import {
  dagEdges,
  dagToMermaid,
  mermaidNodeId,
  mermaidText,
  nodeClasses,
  stepOfElementId,
} from '../../../webviews/src/dag/mermaid.js';

function graphOf(source: string): FlowGraph {
  const res = analyzeSource('/flows/f.ts', source);
  assert.equal(res.flows.length, 1, JSON.stringify(res.problems));
  return res.flows[0]!;
}

const PETS = `import { FlowSpec, step, type Inputs } from 'tsflow';
export class PetsFlow extends FlowSpec {
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<PetsFlow>) { this.next(this.end); }
  @step end() {}
}`;

const SHAPES = `import { FlowSpec, step, type Inputs } from 'tsflow';
export class ShapesFlow extends FlowSpec {
  items = [1, 2];
  choice = 'x';
  @step start() { this.next(this.fan, { foreach: 'items' }); }
  @step fan() { this.next(this.gather); }
  @step gather(inputs: Inputs<ShapesFlow>) { this.next(this.pick); }
  @step pick() { this.next({ x: this.left, y: this.right, z: this.right }, { condition: 'choice' }); }
  @step left() { this.next(this.end); }
  @step right() { this.next(this.end); }
  @step end() {}
}`;

describe('dagToMermaid', () => {
  it('draws PetsFlow: stadium start/end, a trapezoid join, plain edges', () => {
    const src = dagToMermaid(graphOf(PETS));
    assert.match(src, /^flowchart TD\n/);
    assert.match(src, /s_start\(\["start"\]\)/);
    assert.match(src, /s_end\(\["end"\]\)/);
    assert.match(src, /s_join\[\/"join"\\\]/);
    assert.match(src, /s_a\["a"\]/);
    assert.equal((src.match(/ --> /g) ?? []).length, 5);
    assert.match(src, /class s_join k_join/);
    assert.doesNotMatch(src, /class [^\n]* st_/);
  });

  it('draws foreach splits and switches distinctly', () => {
    const g = graphOf(SHAPES);
    const src = dagToMermaid(g);
    assert.match(src, /s_start\(\["start"\]\)/);
    assert.match(src, /s_start ==>\|"foreach items"\| s_fan/);
    assert.match(src, /s_pick\{\{"pick"\}\}/);
    assert.match(src, /s_pick -\.->\|"x"\| s_left/);
    // Two cases into one step: one edge with both labels.
    assert.match(src, /s_pick -\.->\|"y #47; z"\| s_right/);
    assert.match(src, /class s_pick k_switch/);
    const edges = dagEdges(g);
    assert.deepEqual(
      edges.filter((e) => e.kind !== 'plain').map((e) => [e.from, e.to, e.kind]),
      [
        ['start', 'fan', 'foreach'],
        ['pick', 'left', 'switch'],
        ['pick', 'right', 'switch'],
      ],
    );
  });

  it('colours nodes by the run: done, running, failed, pending for steps not started', () => {
    const g = graphOf(PETS);
    const run = {
      pathspec: 'PetsFlow/1',
      status: 'running' as const,
      steps: { start: 'done', a: 'failed', b: 'running' } as const,
    };
    const src = dagToMermaid(g, run);
    assert.match(src, /class s_start[^\n]* st_done|class [^\n]*s_start[^\n]* st_done/);
    assert.match(src, /class s_a st_failed/);
    assert.match(src, /class s_b st_running/);
    assert.match(src, /class s_join,s_end st_pending/);
    assert.deepEqual(nodeClasses(g.steps.find((s) => s.name === 'join')!, run), ['k_join', 'st_pending']);
  });

  it('escapes labels and keeps ids safe for any name (a half-typed target)', () => {
    assert.equal(mermaidText('a"b<c>&#d|`$$x$$'), '"a#34;b#60;c#62;#38;#35;d#124;#96;#36;#36;x#36;#36;"');
    // Kept: letters, digits, space, `_`, non-ASCII text; line breaks become spaces.
    assert.equal(mermaidText('a_1 é😀\r\nb'), '"a_1 é😀 b"');
    // Mermaid's placeholder characters and non-ASCII spaces are codes too.
    assert.equal(mermaidText('ﬂ°¶ß\u00a0'), '"#64258;°#182;ß#160;"');
    const g = graphOf(PETS);
    const broken = structuredClone(g);
    const start = broken.steps[0]!;
    start.transition = { ...start.transition!, targets: ['a', 'b<script>'] };
    start.next = ['a', 'b<script>'];
    const src = dagToMermaid(broken);
    assert.doesNotMatch(src, /<script>/);
    assert.match(src, /\["b#60;script#62; #63;"\]/);
    assert.match(src, /class [^\n]* k_missing/);
    assert.match(mermaidNodeId('end'), /^s_end$/);
    assert.equal(mermaidNodeId('a_b'), 's_a__b');
    assert.equal(mermaidNodeId('b<'), 's_b_3c_');
  });

  it('maps rendered element ids back to steps (with and without the render-id prefix)', () => {
    const g = graphOf(PETS);
    assert.equal(stepOfElementId(g, 'flowchart-s_join-3'), 'join');
    assert.equal(stepOfElementId(g, 'dag12-flowchart-s_end-4'), 'end');
    assert.equal(stepOfElementId(g, 'flowchart-s_nope-1'), undefined);
    assert.equal(stepOfElementId(g, 'something-else'), undefined);
  });

  it('handles a 100-step flow (and left-to-right)', () => {
    const body = Array.from(
      { length: 98 },
      (_, i) => `  @step s${i}() { this.next(this.${i === 97 ? 'end' : `s${i + 1}`}); }`,
    );
    const g = graphOf(`import { FlowSpec, step } from 'tsflow';
export class Big extends FlowSpec {
  @step start() { this.next(this.s0); }
${body.join('\n')}
  @step end() {}
}`);
    assert.equal(g.steps.length, 100);
    const src = dagToMermaid(g, null, { direction: 'LR' });
    assert.match(src, /^flowchart LR/);
    assert.equal((src.match(/ --> /g) ?? []).length, 99);
    assert.ok(src.length < 50_000, 'well under Mermaid limits');
  });
});

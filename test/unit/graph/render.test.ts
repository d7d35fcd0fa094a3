import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeSource,
  type FlowGraph,
  mermaidNodeId,
  toDot,
  toMermaid,
} from '../../../runtime/src/graph/index.js';
import { fixturePath, readFixture } from './helpers.js';

const graphOf = (name: string): FlowGraph => analyzeSource(fixturePath(name), readFixture(name)).flows[0]!;

describe('toMermaid', () => {
  it('draws a static split: every step a node, every transition an edge, start/end styled', () => {
    const m = toMermaid(graphOf('valid-static-split.ts'));
    assert.ok(m.startsWith('flowchart TD\n'));
    for (const line of [
      's_start(["start"])',
      's_a["a"]',
      's_b["b"]',
      's_join["join"]',
      's_end(["end"])',
      's_start --> s_a',
      's_start --> s_b',
      's_a --> s_join',
      's_b --> s_join',
      's_join --> s_end',
      'class s_start,s_end terminal',
    ]) {
      assert.ok(m.includes(`  ${line}\n`), `missing: ${line}\n${m}`);
    }
    assert.equal(m.match(/-->/g)?.length, 5);
  });

  it('labels foreach edges with the artifact', () => {
    const m = toMermaid(graphOf('valid-foreach.ts'));
    assert.ok(m.includes('s_start -->|"foreach items"| s_square'), m);
    assert.ok(m.includes('s_square --> s_join'));
  });

  it('draws a switch as a hexagon with one edge per case, including its self-loop', () => {
    const m = toMermaid(graphOf('valid-switch-self-loop.ts'));
    assert.ok(m.includes('s_train{{"train"}}'), m);
    assert.ok(m.includes('s_train -->|"again"| s_train'));
    assert.ok(m.includes('s_train -->|"done"| s_evaluate'));
    assert.ok(m.includes('class s_train switch'));
  });

  it('merges cases that go to the same step into one labelled edge', () => {
    const text = `import { FlowSpec, step } from 'tsflow';
export class F extends FlowSpec {
  @step start() { this.next({ a: this.end, b: this.end }, { condition: 'x' }); }
  @step end() {}
}`;
    const m = toMermaid(analyzeSource('/tmp/f.ts', text).flows[0]!);
    assert.ok(m.includes('s_start -->|"a / b"| s_end'), m);
  });

  it('escapes names and draws unknown targets as dashed placeholders', () => {
    const text = `import { FlowSpec, step } from 'tsflow';
export class F extends FlowSpec {
  @step start() { this.next({ 'say "hi" <b>&#': this.end, no: this.missing }, { condition: 'x' }); }
  @step end() {}
}`;
    const m = toMermaid(analyzeSource('/tmp/f.ts', text).flows[0]!);
    assert.ok(m.includes('-->|"say #quot;hi#quot; #lt;b#gt;#amp;#35;"| s_end'), m);
    assert.ok(m.includes('s_missing["missing ?"]'));
    assert.ok(m.includes('class s_missing missing'));
  });

  it('node ids are injective and never Mermaid keywords', () => {
    assert.equal(mermaidNodeId('end'), 's_end');
    assert.equal(mermaidNodeId('a_b'), 's_a__b');
    assert.equal(mermaidNodeId('a-b'), 's_a_2d_b');
    assert.notEqual(mermaidNodeId('a__b'), mermaidNodeId('a_b'));
  });
});

describe('toDot', () => {
  it('writes a digraph named after the flow with labelled edges', () => {
    const d = toDot(graphOf('valid-foreach.ts'));
    assert.ok(d.startsWith('digraph "ForeachFlow" {\n'));
    assert.ok(d.includes('  "start" [shape=oval, style=bold];'));
    assert.ok(d.includes('  "start" -> "square" [label="foreach items"];'));
    assert.ok(d.includes('  "join" -> "end";'));
    assert.ok(d.trimEnd().endsWith('}'));
  });

  it('draws switches as hexagons and escapes quotes and backslashes', () => {
    const d = toDot(graphOf('valid-switch-end.ts'));
    assert.ok(d.includes('  "start" [shape=oval, style=bold];'));
    assert.ok(d.includes('  "start" -> "fast" [label="small"];'));
    const text = `import { FlowSpec, step } from 'tsflow';
export class F extends FlowSpec {
  @step start() { this.next(this.mid); }
  @step mid() { this.next({ 'a"b\\\\c': this.end, z: this.end }, { condition: 'x' }); }
  @step end() {}
}`;
    const e = toDot(analyzeSource('/tmp/f.ts', text).flows[0]!);
    assert.ok(e.includes('  "mid" [shape=hexagon];'), e);
    assert.ok(e.includes('[label="a\\"b\\\\c / z"]'), e);
  });
});

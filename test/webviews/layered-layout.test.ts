// The DAG panel's layout (webviews/src/dag/layered-layout.ts), alone: what a reader of the drawing
// relies on. Nodes and labels never overlap, edges run from their source to their target along
// the flow, a chain is one straight line, crossings are removed where they can be, cycles and
// self-loops are drawn, and the same graph is drawn the same way every time.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isotonicPlace,
  type LayoutEdgeInput,
  type LayoutNodeInput,
  type LayoutOptions,
  type LayoutResult,
  layeredLayout,
  type Point,
  type RankDir,
} from '../../webviews/src/dag/layered-layout.ts';
import { prng } from '../support/prng.ts';

const OPTS: LayoutOptions = { rankDir: 'TB', nodeSep: 50, edgeSep: 20, rankSep: 50, margin: 8 };

const node = (id: string, width = 80, height = 40): LayoutNodeInput => ({ id, width, height });
const edge = (from: string, to: string, label?: [number, number]): LayoutEdgeInput => ({
  id: `${from}->${to}`,
  from,
  to,
  labelWidth: label?.[0] ?? 0,
  labelHeight: label?.[1] ?? 0,
});

interface Box {
  what: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function boxes(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[], r: LayoutResult): Box[] {
  const out: Box[] = nodes.map((n) => {
    const c = r.nodes.get(n.id)!;
    return {
      what: `node ${n.id}`,
      x0: c.x - n.width / 2,
      y0: c.y - n.height / 2,
      x1: c.x + n.width / 2,
      y1: c.y + n.height / 2,
    };
  });
  for (const e of edges) {
    if (e.labelWidth === 0) continue;
    const c = r.edges.get(e.id)!.label;
    out.push({
      what: `label of ${e.id}`,
      x0: c.x - e.labelWidth / 2,
      y0: c.y - e.labelHeight / 2,
      x1: c.x + e.labelWidth / 2,
      y1: c.y + e.labelHeight / 2,
    });
  }
  return out;
}

/** Every pair of node and label boxes is apart; every box lies inside the drawing. */
function assertNoOverlap(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[], r: LayoutResult): void {
  const bs = boxes(nodes, edges, r);
  for (let i = 0; i < bs.length; i++) {
    const a = bs[i]!;
    assert.ok(
      a.x0 >= -1e-6 && a.y0 >= -1e-6 && a.x1 <= r.width + 1e-6 && a.y1 <= r.height + 1e-6,
      `${a.what} inside the drawing`,
    );
    for (let j = i + 1; j < bs.length; j++) {
      const b = bs[j]!;
      const apart = a.x1 <= b.x0 + 1e-6 || b.x1 <= a.x0 + 1e-6 || a.y1 <= b.y0 + 1e-6 || b.y1 <= a.y0 + 1e-6;
      assert.ok(apart, `${a.what} and ${b.what} overlap`);
    }
  }
}

/** Every edge starts at its source's centre, ends at its target's, and has a point in between. */
function assertEdgesJoinTheirNodes(edges: LayoutEdgeInput[], r: LayoutResult): void {
  for (const e of edges) {
    const pts = r.edges.get(e.id)!.points;
    assert.ok(pts.length >= 3, `${e.id} has a point between its ends`);
    assert.deepEqual(pts[0], r.nodes.get(e.from), `${e.id} starts at ${e.from}`);
    assert.deepEqual(pts[pts.length - 1], r.nodes.get(e.to), `${e.id} ends at ${e.to}`);
  }
}

/** A flow-like graph: splits, foreach fan-outs with labels, joins, a switch, and long edges. */
function flowLike(seed: number): { nodes: LayoutNodeInput[]; edges: LayoutEdgeInput[] } {
  const rnd = prng(seed);
  const count = 5 + Math.floor(rnd() * 40);
  const nodes = Array.from({ length: count }, (_, i) =>
    node(`n${i}`, 40 + Math.floor(rnd() * 200), 30 + Math.floor(rnd() * 30)),
  );
  const edges: LayoutEdgeInput[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < count; i++) {
    // Each node is reached from one or two earlier ones (a join), sometimes with a label.
    for (let k = 0; k < (rnd() < 0.25 ? 2 : 1); k++) {
      const from = Math.floor(rnd() * i);
      const key = `${from}-${i}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push(edge(`n${from}`, `n${i}`, rnd() < 0.3 ? [30 + Math.floor(rnd() * 120), 18] : undefined));
    }
  }
  return { nodes, edges };
}

describe('layered layout', () => {
  it('draws a chain as one straight line, one rank gap apart', () => {
    const nodes = Array.from({ length: 100 }, (_, i) => node(`s${i}`, 40 + (i % 7) * 10, 36));
    const edges = nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id));
    const r = layeredLayout(nodes, edges, OPTS);
    const xs = new Set(nodes.map((n) => r.nodes.get(n.id)!.x));
    assert.equal(xs.size, 1, 'every node on the same vertical');
    for (let i = 1; i < nodes.length; i++) {
      const gap = r.nodes.get(nodes[i]!.id)!.y - 18 - (r.nodes.get(nodes[i - 1]!.id)!.y + 18);
      assert.equal(gap, OPTS.rankSep);
    }
    for (const e of edges)
      assert.ok(
        r.edges.get(e.id)!.points.every((p) => p.x === [...xs][0]),
        `${e.id} is straight`,
      );
    assertEdgesJoinTheirNodes(edges, r);
    assert.equal(r.width, 40 + 6 * 10 + 2 * OPTS.margin);
  });

  it('spreads a split evenly under its step and centres the join under the branches', () => {
    const nodes = [node('start'), node('a'), node('b'), node('c'), node('join'), node('end')];
    const edges = [
      edge('start', 'a'),
      edge('start', 'b'),
      edge('start', 'c'),
      edge('a', 'join'),
      edge('b', 'join'),
      edge('c', 'join'),
      edge('join', 'end'),
    ];
    const r = layeredLayout(nodes, edges, OPTS);
    const at = (id: string) => r.nodes.get(id)!;
    assert.ok(at('a').x < at('b').x && at('b').x < at('c').x, 'branches in their order');
    assert.equal(at('a').y, at('b').y);
    assert.equal(at('c').x - at('b').x, at('b').x - at('a').x, 'evenly spaced');
    assert.ok(at('c').x - at('b').x >= 80 + OPTS.nodeSep, 'a node gap apart');
    for (const id of ['start', 'join', 'end'])
      assert.ok(Math.abs(at(id).x - at('b').x) < 0.5, `${id} centred`);
    assertNoOverlap(nodes, edges, r);
  });

  it('gives an edge label the room between its two ranks, and keeps it off the nodes', () => {
    const nodes = [node('start'), node('split'), node('body'), node('join'), node('end')];
    const edges = [
      edge('start', 'split'),
      edge('split', 'body', [120, 30]),
      edge('body', 'join'),
      edge('join', 'end'),
    ];
    const r = layeredLayout(nodes, edges, OPTS);
    const gap = (a: string, b: string) => r.nodes.get(b)!.y - r.nodes.get(a)!.y - 40;
    assert.equal(gap('start', 'split'), OPTS.rankSep);
    assert.equal(gap('split', 'body'), OPTS.rankSep + 30, 'the label adds its height');
    const label = r.edges.get('split->body')!.label;
    assert.equal(label.y, (r.nodes.get('split')!.y + r.nodes.get('body')!.y) / 2, 'the label half way');
    assertNoOverlap(nodes, edges, r);
  });

  it('never overlaps nodes or labels, and joins every edge to its nodes (200 flow-like graphs)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { nodes, edges } = flowLike(seed);
      for (const rankDir of ['TB', 'LR'] as RankDir[]) {
        const r = layeredLayout(nodes, edges, { ...OPTS, rankDir });
        try {
          assertNoOverlap(nodes, edges, r);
          assertEdgesJoinTheirNodes(edges, r);
          // Along the flow: every edge (none is a back edge here) moves forward at every point.
          const along = (p: Point) => (rankDir === 'TB' ? p.y : p.x);
          for (const e of edges) {
            const pts = r.edges.get(e.id)!.points;
            for (let i = 1; i < pts.length; i++)
              assert.ok(along(pts[i]!) > along(pts[i - 1]!), `${e.id} runs forward`);
          }
        } catch (err) {
          throw new Error(`seed ${seed}, ${rankDir}: ${(err as Error).message}`);
        }
      }
    }
  });

  it('removes crossings the input order would make', () => {
    // Input order puts a's and b's children the wrong way round: a -> d, b -> c, with c before d.
    const nodes = [node('s'), node('a'), node('b'), node('c'), node('d'), node('e')];
    const edges = [
      edge('s', 'a'),
      edge('s', 'b'),
      edge('b', 'c'),
      edge('a', 'd'),
      edge('c', 'e'),
      edge('d', 'e'),
    ];
    const r = layeredLayout(nodes, edges, OPTS);
    const x = (id: string) => r.nodes.get(id)!.x;
    assert.equal(Math.sign(x('a') - x('b')), Math.sign(x('d') - x('c')), 'a and d on the same side');
  });

  it('draws a cycle (a switch back to an earlier step) with its edge pointing back', () => {
    const nodes = [node('start'), node('train'), node('check'), node('end')];
    const edges = [
      edge('start', 'train'),
      edge('train', 'check'),
      edge('check', 'train', [50, 18]),
      edge('check', 'end', [40, 18]),
    ];
    const r = layeredLayout(nodes, edges, OPTS);
    const y = (id: string) => r.nodes.get(id)!.y;
    assert.ok(
      y('start') < y('train') && y('train') < y('check') && y('check') < y('end'),
      'ranks follow the forward edges',
    );
    assertEdgesJoinTheirNodes(edges, r);
    const back = r.edges.get('check->train')!.points;
    assert.ok(back[1]!.y < y('check') && back[1]!.y > y('train'), 'the back edge runs upwards between them');
    assertNoOverlap(nodes, edges, r);
  });

  it('draws a self-loop beside its node, with its label clear of the other nodes', () => {
    const nodes = [node('start'), node('loop'), node('other'), node('end')];
    const edges = [
      edge('start', 'loop'),
      edge('start', 'other'),
      edge('loop', 'loop', [45, 18]),
      edge('loop', 'end'),
      edge('other', 'end'),
    ];
    const r = layeredLayout(nodes, edges, OPTS);
    const loop = r.nodes.get('loop')!;
    const pts = r.edges.get('loop->loop')!.points;
    assert.deepEqual(pts[0], loop);
    assert.deepEqual(pts[pts.length - 1], loop);
    assert.ok(
      pts.slice(1, -1).every((p) => p.x > loop.x + 40),
      'the loop is right of the node',
    );
    assertNoOverlap(nodes, edges, r);
  });

  it('lays out across the flow with LR, and mirrors with BT and RL', () => {
    const nodes = [node('a', 120, 30), node('b', 60, 30), node('c', 60, 30)];
    const edges = [edge('a', 'b'), edge('a', 'c')];
    const lr = layeredLayout(nodes, edges, { ...OPTS, rankDir: 'LR' });
    assert.ok(lr.nodes.get('b')!.x > lr.nodes.get('a')!.x);
    assert.equal(
      lr.nodes.get('b')!.x - 30 - (lr.nodes.get('a')!.x + 60),
      OPTS.rankSep,
      'widths along the flow',
    );
    assert.notEqual(lr.nodes.get('b')!.y, lr.nodes.get('c')!.y);
    const bt = layeredLayout(nodes, edges, { ...OPTS, rankDir: 'BT' });
    assert.ok(bt.nodes.get('b')!.y < bt.nodes.get('a')!.y);
    const rl = layeredLayout(nodes, edges, { ...OPTS, rankDir: 'RL' });
    assert.ok(rl.nodes.get('b')!.x < rl.nodes.get('a')!.x);
    for (const r of [lr, bt, rl]) assertNoOverlap(nodes, edges, r);
  });

  it('places a step nothing leads to yet beside the step it leads to', () => {
    const nodes = [node('start'), node('a'), node('b'), node('c'), node('orphan'), node('end')];
    const edges = [edge('start', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'end'), edge('orphan', 'c')];
    const r = layeredLayout(nodes, edges, OPTS);
    assert.equal(r.nodes.get('orphan')!.y, r.nodes.get('b')!.y, 'one rank above its successor');
  });

  it('draws the same graph the same way every time', () => {
    const { nodes, edges } = flowLike(42);
    assert.deepEqual(layeredLayout(nodes, edges, OPTS), layeredLayout(nodes, edges, OPTS));
  });

  it('refuses an edge to a node it was not given, naming both', () => {
    assert.throws(
      () => layeredLayout([node('a')], [edge('a', 'ghost')], OPTS),
      /a->ghost joins ghost, which is not a node/,
    );
    assert.throws(() => layeredLayout([node('a'), node('a')], [], OPTS), /node a is given twice/);
  });

  it('draws an empty graph as its margins', () => {
    const r = layeredLayout([], [], OPTS);
    assert.equal(r.width, 2 * OPTS.margin);
    assert.equal(r.height, 2 * OPTS.margin);
  });
});

describe('isotonicPlace', () => {
  it('keeps wanted positions that are far enough apart', () => {
    assert.deepEqual(isotonicPlace([0, 100, 200], [1, 1, 1], [50, 50]), [0, 100, 200]);
  });

  it('pushes crowded positions apart around their weighted mean, exactly the separation apart', () => {
    const placed = isotonicPlace([0, 0, 0], [1, 1, 1], [10, 30]);
    assert.deepEqual(
      placed.slice(1).map((p, i) => p - placed[i]!),
      [10, 30],
    );
    assert.ok(Math.abs(placed.reduce((s, p) => s + p, 0)) < 1e-9, 'centred on what was wanted');
    const heavy = isotonicPlace([0, 0], [3, 1], [40]);
    assert.deepEqual(heavy, [-10, 30], 'the heavier moves less');
  });

  it('never lets positions cross, even when wanted in the opposite order', () => {
    const placed = isotonicPlace([100, 0], [1, 1], [20]);
    assert.equal(placed[1]! - placed[0]!, 20);
    assert.equal(placed[0]! + placed[1]!, 100);
  });
});

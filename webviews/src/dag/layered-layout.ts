// The DAG panel's graph layout: a layered (Sugiyama) drawing for the graphs flows make, chains,
// splits, foreach fan-outs, switches and joins, which Mermaid draws through its layout-loader API
// (mermaid-layout.ts). Mermaid's own dagre layout took most of a 100-step render; this one knows
// its graphs are small DAGs (a cycle, which a flow being typed may have, is drawn with its back
// edge reversed) and draws the same picture for the same graph every time. Pure: no DOM, so it is
// tested in Node.
//
// The steps, in the rank direction's own axes (`rank` along the flow, `order` across it):
//   1. cycles broken (depth-first, in input order: the edges that close a cycle point backwards);
//   2. ranks: the longest path from the sources, sources pulled down next to their first successor;
//   3. layers: two per rank, the odd ones holding a point of every edge crossing them (an edge's
//      label sits on its middle one, so labels take room like nodes and never overlap);
//   4. order within each layer: depth-first, then barycentre sweeps while they remove crossings;
//   5. position across: each layer pulled towards its neighbours, with the separations kept exact
//      (isotonic regression), sweeping down and up; long edges weigh more, so they run straight;
//   6. position along: each layer as deep as its tallest member, half the rank gap on each side.

export type RankDir = 'TB' | 'BT' | 'LR' | 'RL';

export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdgeInput {
  id: string;
  from: string;
  to: string;
  /** The label's size (0 × 0 when the edge has none). */
  labelWidth: number;
  labelHeight: number;
}

export interface LayoutOptions {
  rankDir: RankDir;
  /** Gap between two nodes side by side. */
  nodeSep: number;
  /** Gap between two edges (or an edge and a node) side by side. */
  edgeSep: number;
  /** Gap between two ranks of nodes (an edge label's height is added where there is one). */
  rankSep: number;
  /** Space around the drawing. */
  margin: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface EdgeLayout {
  /** From the source's centre to the target's centre, with at least one point in between. */
  points: Point[];
  /** Centre of the edge's label. */
  label: Point;
}

export interface LayoutResult {
  /** Centre of each node. */
  nodes: Map<string, Point>;
  edges: Map<string, EdgeLayout>;
  width: number;
  height: number;
}

/** A node or an edge's point in a layer. `across`/`along` are sizes in the layout's own axes. */
interface Vertex {
  node?: string;
  /** The edge a dummy vertex belongs to (index in the input). */
  edge?: number;
  across: number;
  along: number;
  layer: number;
  order: number;
  pos: number;
  up: number[];
  down: number[];
}

/** Room a node's self-loop takes beside it. */
const LOOP_REACH = 24;

export function layeredLayout(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
  opts: LayoutOptions,
): LayoutResult {
  const vertical = opts.rankDir === 'TB' || opts.rankDir === 'BT';
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (index.has(n.id)) throw new Error(`layout: node ${n.id} is given twice`);
    index.set(n.id, i);
  });
  const at = (id: string, e: LayoutEdgeInput) => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`layout: edge ${e.id} joins ${id}, which is not a node`);
    return i;
  };
  const ends = edges.map((e) => [at(e.from, e), at(e.to, e)] as const);
  const loops = edges.map((_, k) => ends[k]![0] === ends[k]![1]);
  // Sizes in the layout's axes: `across` the flow and `along` it.
  const across = (w: number, h: number) => (vertical ? w : h);
  const along = (w: number, h: number) => (vertical ? h : w);

  const reversed = breakCycles(nodes.length, ends, loops);
  const rank = assignRanks(nodes.length, ends, loops, reversed);

  // Vertices: the nodes first (vertex i is node i), then the edges' points.
  const vertices: Vertex[] = nodes.map((n, i) => ({
    node: n.id,
    across: across(n.width, n.height),
    along: along(n.width, n.height),
    layer: 2 * rank[i]!,
    order: 0,
    pos: 0,
    up: [],
    down: [],
  }));
  // A self-loop goes round the node's side: the node takes that room (on both sides, so that its
  // centre stays where its edges expect it).
  edges.forEach((e, k) => {
    if (!loops[k]) return;
    const v = vertices[ends[k]![0]]!;
    v.across += 2 * (LOOP_REACH + across(e.labelWidth, e.labelHeight));
  });
  /** The vertex each labelled edge's label sits on (its size is the label's). */
  const labelAt = new Map<number, number>();
  /** Each edge's vertices from its upper end to its lower end. */
  const chains: number[][] = edges.map((e, k) => {
    if (loops[k]) return [];
    const [a, b] = reversed[k] ? [ends[k]![1], ends[k]![0]] : [ends[k]![0], ends[k]![1]];
    const top = vertices[a]!.layer;
    const bottom = vertices[b]!.layer;
    // The label on the middle point (an odd layer: between two ranks).
    const labelLayer = top + 1 + 2 * Math.floor((bottom - top - 1) / 4);
    const chain = [a];
    const hasLabel = e.labelWidth > 0 || e.labelHeight > 0;
    for (let layer = top + 1; layer < bottom; layer++) {
      const labelled = hasLabel && layer === labelLayer;
      const v =
        vertices.push({
          edge: k,
          across: labelled ? across(e.labelWidth, e.labelHeight) : 0,
          along: labelled ? along(e.labelWidth, e.labelHeight) : 0,
          layer,
          order: 0,
          pos: 0,
          up: [],
          down: [],
        }) - 1;
      if (labelled) labelAt.set(k, v);
      chain.push(v);
    }
    chain.push(b);
    for (let i = 1; i < chain.length; i++) {
      vertices[chain[i - 1]!]!.down.push(chain[i]!);
      vertices[chain[i]!]!.up.push(chain[i - 1]!);
    }
    return chain;
  });

  const layers = orderLayers(vertices, nodes.length);
  placeAcross(vertices, layers, opts);
  const depth = placeAlong(vertices, layers, opts);

  // Back to the drawing's axes, with the margin round the drawing's extent.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const flipAlong = opts.rankDir === 'BT' || opts.rankDir === 'RL';
  const toXY = (pos: number, dep: number): Point => {
    const a = flipAlong ? -dep : dep;
    return vertical ? { x: pos, y: a } : { x: a, y: pos };
  };
  const box = (p: Point, w: number, h: number) => {
    minX = Math.min(minX, p.x - w / 2);
    maxX = Math.max(maxX, p.x + w / 2);
    minY = Math.min(minY, p.y - h / 2);
    maxY = Math.max(maxY, p.y + h / 2);
  };
  const centre = (v: number) => toXY(vertices[v]!.pos, depth[v]!);
  const nodeAt = nodes.map((_, i) => {
    const p = centre(i);
    const v = vertices[i]!;
    box(p, vertical ? v.across : v.along, vertical ? v.along : v.across);
    return p;
  });
  const edgeAt = edges.map((e, k): EdgeLayout => {
    if (loops[k]) {
      const loop = selfLoop(nodeAt[ends[k]![0]]!, nodes[ends[k]![0]]!, e, vertical);
      for (const p of loop.points) box(p, 0, 0);
      box(loop.label, e.labelWidth, e.labelHeight);
      return loop;
    }
    const chain = chains[k]!;
    const points = chain.map(centre);
    const labelVertex = labelAt.get(k);
    const label = labelVertex === undefined ? points[Math.floor(points.length / 2)]! : centre(labelVertex);
    if (labelVertex !== undefined) box(label, e.labelWidth, e.labelHeight);
    for (const p of points) box(p, 0, 0);
    return { points: reversed[k] ? points.reverse() : points, label };
  });
  if (nodes.length === 0) minX = minY = maxX = maxY = 0;
  const dx = opts.margin - minX;
  const dy = opts.margin - minY;
  const shift = (p: Point): Point => ({ x: p.x + dx, y: p.y + dy });
  return {
    nodes: new Map(nodes.map((n, i) => [n.id, shift(nodeAt[i]!)])),
    edges: new Map(
      edges.map((e, k) => [e.id, { points: edgeAt[k]!.points.map(shift), label: shift(edgeAt[k]!.label) }]),
    ),
    width: maxX - minX + 2 * opts.margin,
    height: maxY - minY + 2 * opts.margin,
  };
}

/**
 * The edges to reverse so that the graph has no cycle: a depth-first search from each node in
 * input order (the start step first, in a flow), reversing every edge that leads back to a node
 * on the current path.
 */
function breakCycles(n: number, ends: readonly (readonly [number, number])[], loops: boolean[]): boolean[] {
  const out: number[][] = Array.from({ length: n }, () => []);
  ends.forEach(([a], k) => {
    if (!loops[k]) out[a]!.push(k);
  });
  const reversed = ends.map(() => false);
  const state = new Uint8Array(n); // 0 unseen, 1 on the path, 2 done
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, next] = top;
      if (next === out[v]!.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const k = out[v]![next]!;
      const w = ends[k]![1];
      if (state[w] === 1) reversed[k] = true;
      else if (state[w] === 0) {
        state[w] = 1;
        stack.push([w, 0]);
      }
    }
  }
  return reversed;
}

/**
 * Each node's rank: one more than its deepest predecessor's (the longest path from the sources),
 * then each source with successors moved down to just above the first of them, so that a step
 * nothing leads to (yet) sits by the step it leads to, not at the top.
 */
function assignRanks(
  n: number,
  ends: readonly (readonly [number, number])[],
  loops: boolean[],
  reversed: boolean[],
): number[] {
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  ends.forEach(([a, b], k) => {
    if (loops[k]) return;
    const [u, w] = reversed[k] ? [b, a] : [a, b];
    out[u]!.push(w);
    indegree[w]!++;
  });
  const sources = indegree.map((d) => d === 0);
  const rank = new Array<number>(n).fill(0);
  const topo: number[] = [];
  const left = [...indegree];
  for (let v = 0; v < n; v++) if (left[v] === 0) topo.push(v);
  for (let i = 0; i < topo.length; i++) {
    const v = topo[i]!;
    for (const w of out[v]!) {
      rank[w] = Math.max(rank[w]!, rank[v]! + 1);
      if (--left[w]! === 0) topo.push(w);
    }
  }
  for (let i = topo.length - 1; i >= 0; i--) {
    const v = topo[i]!;
    if (!sources[v] || out[v]!.length === 0) continue;
    rank[v] = Math.min(...out[v]!.map((w) => rank[w]!)) - 1;
  }
  const lowest = Math.min(0, ...rank);
  return rank.map((r) => r - lowest);
}

/** Vertices in each layer, in their order (`order` set): the order with the fewest crossings found. */
function orderLayers(vertices: Vertex[], realCount: number): number[][] {
  const layerCount = vertices.reduce((m, v) => Math.max(m, v.layer + 1), 0);
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  // Depth-first from each node in input order: a branch's steps come out together.
  const seen = new Uint8Array(vertices.length);
  for (let root = 0; root < realCount; root++) {
    if (seen[root]) continue;
    const stack = [root];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (seen[v]) continue;
      seen[v] = 1;
      layers[vertices[v]!.layer]!.push(v);
      const down = vertices[v]!.down;
      for (let i = down.length - 1; i >= 0; i--) if (!seen[down[i]!]) stack.push(down[i]!);
    }
  }
  const setOrder = () => {
    for (const layer of layers)
      layer.forEach((v, i) => {
        vertices[v]!.order = i;
      });
  };
  setOrder();
  let best = layers.map((l) => [...l]);
  let bestCrossings = crossings(vertices, layers);
  for (let sweep = 0, sinceBest = 0; sweep < 24 && sinceBest < 4 && bestCrossings > 0; sweep++) {
    const downwards = sweep % 2 === 0;
    // Ties go left on some sweeps and right on others, so that equal barycentres can swap.
    const tieRight = sweep % 4 >= 2;
    if (downwards)
      for (let l = 1; l < layerCount; l++) sortByBarycentre(vertices, layers[l]!, 'up', tieRight);
    else for (let l = layerCount - 2; l >= 0; l--) sortByBarycentre(vertices, layers[l]!, 'down', tieRight);
    const c = crossings(vertices, layers);
    if (c < bestCrossings) {
      best = layers.map((l) => [...l]);
      bestCrossings = c;
      sinceBest = 0;
    } else sinceBest++;
  }
  layers.splice(0, layers.length, ...best);
  setOrder();
  return layers;
}

/** Reorders `layer` by the mean order of each vertex's neighbours on side `side`; a vertex without
 * neighbours there keeps its place. */
function sortByBarycentre(vertices: Vertex[], layer: number[], side: 'up' | 'down', tieRight: boolean): void {
  const movable: { v: number; bc: number }[] = [];
  const fixed = new Map<number, number>();
  for (const v of layer) {
    const ns = vertices[v]![side];
    if (ns.length === 0) fixed.set(vertices[v]!.order, v);
    else movable.push({ v, bc: ns.reduce((s, n) => s + vertices[n]!.order, 0) / ns.length });
  }
  movable.sort(
    (a, b) =>
      a.bc - b.bc ||
      (tieRight ? vertices[b.v]!.order - vertices[a.v]!.order : vertices[a.v]!.order - vertices[b.v]!.order),
  );
  let next = 0;
  for (let i = 0; i < layer.length; i++) layer[i] = fixed.get(i) ?? movable[next++]!.v;
  layer.forEach((v, i) => {
    vertices[v]!.order = i;
  });
}

/** Edge crossings between consecutive layers (each layer's `down` edges, counted by inversions). */
function crossings(vertices: Vertex[], layers: number[][]): number {
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const lower = layers[l + 1]!.length;
    if (lower < 2) continue;
    // Lower ends of the edges, taken in the upper layer's order: crossings are inversions.
    const tree = new Int32Array(lower + 1);
    let seen = 0;
    for (const v of layers[l]!) {
      const targets = vertices[v]!.down.map((w) => vertices[w]!.order).sort((a, b) => a - b);
      for (const t of targets) {
        // Edges already seen whose lower end is right of t.
        let le = 0;
        for (let i = t + 1; i > 0; i -= i & -i) le += tree[i]!;
        total += seen - le;
        for (let i = t + 1; i <= lower; i += i & -i) tree[i]!++;
        seen++;
      }
    }
  }
  return total;
}

/** Weight of an edge segment when placing: long edges (dummy to dummy) pull hardest, so they run straight. */
function segmentWeight(a: Vertex, b: Vertex): number {
  const dummies = (a.node === undefined ? 1 : 0) + (b.node === undefined ? 1 : 0);
  return dummies === 2 ? 8 : dummies === 1 ? 2 : 1;
}

function separation(a: Vertex, b: Vertex, opts: LayoutOptions): number {
  const gap = (v: Vertex) => (v.node === undefined ? opts.edgeSep : opts.nodeSep) / 2;
  return a.across / 2 + gap(a) + gap(b) + b.across / 2;
}

/** Positions across the flow (`pos`): every layer packed and centred, then pulled towards its
 * neighbours in sweeps down and up, and a last one towards both sides. */
function placeAcross(vertices: Vertex[], layers: number[][], opts: LayoutOptions): void {
  const seps = layers.map((layer) =>
    layer.slice(1).map((v, i) => separation(vertices[layer[i]!]!, vertices[v]!, opts)),
  );
  layers.forEach((layer, l) => {
    let x = 0;
    layer.forEach((v, i) => {
      if (i > 0) x += seps[l]![i - 1]!;
      vertices[v]!.pos = x;
    });
    for (const v of layer) vertices[v]!.pos -= x / 2;
  });
  /** Moves layer `l` towards its neighbours on `sides`; answers the largest move. */
  const pull = (l: number, sides: ('up' | 'down')[]): number => {
    const layer = layers[l]!;
    const wanted: number[] = [];
    const weights: number[] = [];
    for (const v of layer) {
      const me = vertices[v]!;
      let sum = 0;
      let weight = 0;
      for (const side of sides)
        for (const n of me[side]) {
          const w = segmentWeight(me, vertices[n]!);
          sum += w * vertices[n]!.pos;
          weight += w;
        }
      // A vertex with no neighbour on these sides stays put, and gives way to those that have.
      wanted.push(weight > 0 ? sum / weight : me.pos);
      weights.push(weight > 0 ? weight : 0.01);
    }
    const placed = isotonicPlace(wanted, weights, seps[l]!);
    let moved = 0;
    layer.forEach((v, i) => {
      moved = Math.max(moved, Math.abs(vertices[v]!.pos - placed[i]!));
      vertices[v]!.pos = placed[i]!;
    });
    return moved;
  };
  // Rounds until nothing moves (a chain settles in one) or four have been made.
  for (let round = 0, moved = Infinity; round < 4 && moved > 1e-6; round++) {
    moved = 0;
    for (let l = 1; l < layers.length; l++) moved = Math.max(moved, pull(l, ['up']));
    for (let l = layers.length - 2; l >= 0; l--) moved = Math.max(moved, pull(l, ['down']));
  }
  for (let l = 0; l < layers.length; l++) pull(l, ['up', 'down']);
}

/**
 * The positions closest to `wanted` (least squares, weighted) that keep each pair of neighbours
 * at least their separation apart: with offsets taken out, an isotonic regression, solved by
 * pooling adjacent violators.
 */
export function isotonicPlace(
  wanted: readonly number[],
  weights: readonly number[],
  seps: readonly number[],
): number[] {
  const offset: number[] = [0];
  for (let i = 0; i < seps.length; i++) offset.push(offset[i]! + seps[i]!);
  // Blocks of pooled positions: their weighted mean, total weight and size.
  const mean: number[] = [];
  const weight: number[] = [];
  const size: number[] = [];
  wanted.forEach((w, i) => {
    mean.push(w - offset[i]!);
    weight.push(weights[i]!);
    size.push(1);
    while (mean.length > 1 && mean[mean.length - 2]! > mean[mean.length - 1]!) {
      const wb = weight.pop()!;
      const mb = mean.pop()!;
      const sb = size.pop()!;
      const wa = weight[weight.length - 1]!;
      mean[mean.length - 1] = (mean[mean.length - 1]! * wa + mb * wb) / (wa + wb);
      weight[weight.length - 1] = wa + wb;
      size[size.length - 1]! += sb;
    }
  });
  const out: number[] = [];
  mean.forEach((m, b) => {
    for (let j = 0; j < size[b]!; j++) out.push(m + offset[out.length]!);
  });
  return out;
}

/** Each vertex's depth along the flow (the centre of its layer). */
function placeAlong(vertices: Vertex[], layers: number[][], opts: LayoutOptions): number[] {
  const depth = new Array<number>(vertices.length).fill(0);
  let edge = 0;
  layers.forEach((layer, l) => {
    const size = layer.reduce((m, v) => Math.max(m, vertices[v]!.along), 0);
    if (l > 0) edge += opts.rankSep / 2;
    for (const v of layer) depth[v] = edge + size / 2;
    edge += size;
  });
  return depth;
}

/** A loop on the node's side (right of it, or below when the flow runs across). */
function selfLoop(c: Point, node: LayoutNodeInput, e: LayoutEdgeInput, vertical: boolean): EdgeLayout {
  if (vertical) {
    const side = c.x + node.width / 2;
    return {
      points: [
        c,
        { x: side + LOOP_REACH / 2, y: c.y - node.height / 3 },
        { x: side + LOOP_REACH, y: c.y },
        { x: side + LOOP_REACH / 2, y: c.y + node.height / 3 },
        c,
      ],
      label: { x: side + LOOP_REACH + e.labelWidth / 2, y: c.y },
    };
  }
  const side = c.y + node.height / 2;
  return {
    points: [
      c,
      { x: c.x - node.width / 3, y: side + LOOP_REACH / 2 },
      { x: c.x, y: side + LOOP_REACH },
      { x: c.x + node.width / 3, y: side + LOOP_REACH / 2 },
      c,
    ],
    label: { x: c.x, y: side + LOOP_REACH + e.labelHeight / 2 },
  };
}

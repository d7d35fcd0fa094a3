// The DAG panel's layout as a Mermaid layout algorithm (`layout: 'tsflow-layers'`), registered
// with `mermaid.registerLayoutLoaders` like @mermaid-js/layout-elk: Mermaid parses the source and
// draws every node shape, edge, arrow head and label as it does for dagre; only the positions
// come from layered-layout.ts. The steps are Mermaid's own for a layout (its common renderer):
// insert and measure the nodes and the edge labels, lay out, then place the nodes and draw the
// edges through the positions. dagre is not bundled (scripts/mermaid-bundle.mjs).

import type { LayoutData, LayoutLoaderDefinition } from 'mermaid';
import { type LayoutEdgeInput, layeredLayout, type RankDir } from './layered-layout.js';

export const TSFLOW_LAYOUT = 'tsflow-layers';

type Helpers = Parameters<LayoutRender>[2];
type LayoutRender = Awaited<ReturnType<LayoutLoaderDefinition['loader']>>['render'];
type Svg = Parameters<LayoutRender>[1];
type InsertNode = Parameters<Helpers['insertNode']>;
type StepNode = Extract<LayoutData['nodes'][number], { isGroup: false }>;

/** dagre's gap between two edges side by side (Mermaid leaves it at dagre's default). */
const EDGE_SEP = 20;
/** Space round the drawing (as Mermaid gives dagre). */
const MARGIN = 8;

function rankDir(direction: string | undefined): RankDir {
  switch (direction) {
    case 'BT':
    case 'LR':
    case 'RL':
      return direction;
    default:
      return 'TB';
  }
}

/**
 * Draws `data` into `svg`. Mermaid's own layouts first clear the maps where its helpers keep the
 * node and label elements by id (`clearLayoutRenderState`); importing that function brings in
 * dagre's graph class and lodash, so they are not cleared: each render overwrites its ids, and
 * what stays is the elements of ids no longer drawn, in a panel that draws one flow.
 */
const render: LayoutRender = async (data: LayoutData, svg: Svg, helpers: Helpers) => {
  const groups = data.nodes.filter((n) => n.isGroup);
  if (groups.length > 0) throw new Error(`the DAG layout draws no subgraphs (${groups[0]!.id})`);
  const element = svg.select('g');
  helpers.insertMarkers(element, data.markers, data.type, data.diagramId);
  const root = element.insert('g').attr('class', 'root');
  root.insert('g').attr('class', 'clusters');
  const edgePaths = root.insert('g').attr('class', 'edgePaths');
  const edgeLabels = root.insert('g').attr('class', 'edgeLabels');
  const nodeGroup = root.insert('g').attr('class', 'nodes');
  const config = helpers.getConfig();

  // Measure: every node drawn at the origin (its size is its drawing's), then the edge labels.
  const nodes = data.nodes.filter((n): n is StepNode => !n.isGroup);
  const drawn = await Promise.all(
    nodes.map(async (n) => {
      // The node group is the d3 selection insertNode takes (its declared type is narrower).
      const el = await helpers.insertNode(nodeGroup as unknown as InsertNode[0], n, { config, dir: n.dir });
      const b = (el.node() as SVGGraphicsElement | null)?.getBBox() ?? { width: 0, height: 0 };
      n.width = b.width;
      n.height = b.height;
      return el;
    }),
  );
  // Only the labelled edges (foreach and switch) get a label element: an empty one draws nothing,
  // and Mermaid only reads back the labels of edges that have one.
  await Promise.all(data.edges.filter((e) => e.label).map((e) => helpers.insertEdgeLabel(edgeLabels, e)));

  const spec: LayoutEdgeInput[] = data.edges.map((e) => ({
    id: e.id,
    from: e.start!,
    to: e.end!,
    labelWidth: e.label ? (e.width ?? 0) : 0,
    labelHeight: e.label ? (e.height ?? 0) : 0,
  }));
  const laid = layeredLayout(
    nodes.map((n) => ({ id: n.id, width: n.width ?? 0, height: n.height ?? 0 })),
    spec,
    {
      rankDir: rankDir(data.direction),
      nodeSep: data.nodeSpacing ?? 50,
      rankSep: data.rankSpacing ?? 50,
      edgeSep: EDGE_SEP,
      margin: MARGIN,
    },
  );

  // Paint: nodes moved to their places, edges drawn through theirs (Mermaid clips each end at
  // its node's outline), labels moved onto their edges.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  nodes.forEach((n, i) => {
    const p = laid.nodes.get(n.id)!;
    n.x = p.x;
    n.y = p.y;
    drawn[i]!.attr('transform', `translate(${p.x}, ${p.y})`);
  });
  for (const e of data.edges) {
    const l = laid.edges.get(e.id)!;
    const edge = { ...e, points: l.points, x: l.label.x, y: l.label.y };
    const paths = helpers.insertEdge(
      edgePaths,
      edge,
      new Map(),
      data.type,
      byId.get(e.start!),
      byId.get(e.end!),
      data.diagramId,
    );
    helpers.positionEdgeLabel(edge, paths);
  }
};

export const tsflowLayout: LayoutLoaderDefinition = { name: TSFLOW_LAYOUT, loader: async () => ({ render }) };

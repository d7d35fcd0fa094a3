// The DAG panel's page as VS Code serves it (the webview shell with its CSP and nonce, the built
// out/webviews bundles, Mermaid drawing in Chromium with real SVG layout), without VS Code around
// it: what only a real browser shows, such as the text Mermaid finally draws for each label.
//
// Needs TSFLOW_VSCODE_CHROMIUM (the `vscode` tier of scripts/test.mjs provisions and sets it) and
// a build (`npm run build`; the tier's packaging builds); skips loudly without them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { webviewShell } from '../../client/src/panels/html.ts';
import { analyzeSource } from '../../runtime/src/graph/index.ts';
import type { FlowGraph } from '../../runtime/src/graph/types.ts';
import { dagEdges, mermaidNodeId } from '../../webviews/src/dag/mermaid.ts';
import { repoRoot } from './harness.ts';

const chromiumPath = process.env.TSFLOW_VSCODE_CHROMIUM;
const webviews = path.join(repoRoot, 'out', 'webviews');
const skip =
  !chromiumPath || !fs.existsSync(path.join(webviews, 'dag-mermaid.js'))
    ? 'no Chromium / built webviews (run `npm test -- vscode`)'
    : false;

const ORIGIN = 'https://tsflow-webview.test';
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
});

after(async () => {
  await browser?.close();
});

/** The panel's page drawing `graph` (answered at once to the page's `ready`); resolves when drawn. */
async function drawnPage(graph: FlowGraph): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const nonce = 'dGVzdC1ub25jZS1mb3ItdGhlLWRhZy1wYWdl';
  // A stand-in for `acquireVsCodeApi`, carrying the page's nonce like every script of the shell.
  const standIn = `<script nonce="${nonce}">
const answer = ${JSON.stringify({ type: 'graph', graph, stale: false, problems: [] }).replace(/</g, '\\u003c')};
window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { window.__posted.push(m); if (m.type === 'ready') window.postMessage(answer, '*'); },
  getState: () => undefined,
  setState: () => {},
});
</script>`;
  const html = webviewShell({
    cspSource: ORIGIN,
    nonce,
    title: 'DAG',
    scriptUri: `${ORIGIN}/dag.js`,
    preloadScriptUris: [`${ORIGIN}/dag-mermaid.js`],
    styleUri: `${ORIGIN}/dag.css`,
    view: 'dag',
  }).replace('<div id="app"></div>', () => `<div id="app"></div>\n${standIn}`);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const file = new URL(route.request().url()).pathname.slice(1);
    if (file === 'index.html') return route.fulfill({ contentType: 'text/html', body: html });
    // Scripts declared windows-1252: the bundles are ASCII, and mean the same in any encoding.
    const type = file.endsWith('.css') ? 'text/css' : 'text/javascript; charset=windows-1252';
    return route.fulfill({ contentType: type, body: fs.readFileSync(path.join(webviews, file)) });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(
    () =>
      (globalThis as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'rendered'),
    undefined,
    { timeout: 30_000 },
  );
  assert.deepEqual(errors, [], 'the page reported no error');
  return page;
}

/** The lines (outer tspans) drawn by each `selector` element. */
async function drawnLines(page: Page, selector: string): Promise<string[][]> {
  const out: string[][] = [];
  for (const label of await page.locator(`.canvas svg ${selector}`).all()) {
    const lines = await label.locator('tspan.text-outer-tspan').allTextContents();
    out.push(lines.length > 0 ? lines : [(await label.textContent()) ?? '']);
  }
  return out;
}

/** The text of each drawn label among `texts`: its lines joined by a space, or cut inside a word. */
function labelTexts(drawn: string[][], texts: string[]): string[] {
  return drawn.map(
    (lines) => texts.find((t) => t === lines.join(' ') || t === lines.join('')) ?? lines.join('⏎'),
  );
}

test('the DAG page draws every label as exactly the text of the flow', {
  skip,
  timeout: 120_000,
}, async () => {
  // One switch case per target, so each edge label is one case key: characters Mermaid's
  // syntax, its entity codes, HTML, markdown, KaTeX or its line breaks would otherwise take.
  const keys = [
    'a<b',
    'c>d & e',
    '#1 "q"',
    'p|q $x`',
    '`ab`',
    'x #y; z',
    '&lt; #quot; #35;',
    '$$x$$ 50%',
    'a\\nb',
    '<br/>',
    "style:#f9f; it's",
    '**bold** _i_',
    'fa:fa-car',
    '%%{init: {"theme": "forest"}}%% -->|x| end',
    'ﬂ°lt¶ß é 😀',
    'a_very_long_case_key_that_does_not_fit_in_one_line_<&>_of_the_label',
  ];
  const targets = keys.map((_, i) => `t${i}`);
  const source = `import { FlowSpec, step } from 'tsflow';
export class LabelFlow extends FlowSpec {
  mode = 'a';
  @step start() { this.next(this.$pick); }
  @step $pick() {
    this.next({ ${keys.map((k, i) => `${JSON.stringify(k)}: this.${targets[i]}`).join(', ')} }, { condition: 'mode' });
  }
${targets.map((t) => `  @step ${t}() { this.next(this.a$b); }`).join('\n')}
  @step a$b() { this.next(this.end); }
  @step end() {}
}`;
  const graph = analyzeSource('/flows/labels.ts', source).flows[0]!;
  const expectedEdges = dagEdges(graph).flatMap((e) => (e.label === undefined ? [] : [e.label]));
  assert.deepEqual([...expectedEdges].sort(), [...keys].sort(), 'one edge per case key');
  const page = await drawnPage(graph);
  try {
    const edges = (await drawnLines(page, 'g.edgeLabel')).filter((lines) => lines.join('') !== '');
    assert.ok(
      edges.some((lines) => lines.length > 1),
      'a label too wide for one line is cut into lines',
    );
    assert.deepEqual(labelTexts(edges, keys).sort(), [...keys].sort());
    const names = graph.steps.map((s) => s.name);
    assert.deepEqual(labelTexts(await drawnLines(page, 'g.node .label'), names).sort(), names.sort());
  } finally {
    await page.close();
  }
});

/** A drawn box in page coordinates. */
interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface DrawnGeometry {
  nodes: { id: string; box: Rect; lines: number }[];
  labels: { text: string; box: Rect }[];
  paths: { id: string; start: { x: number; y: number }; end: { x: number; y: number } }[];
}

/** Run in the page (as text: the test runner's transpiler would add helpers the page lacks). */
const DRAWN_GEOMETRY = `(() => {
  const rect = (e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  };
  const nodes = [...document.querySelectorAll('.canvas svg g.node')].map((g) => ({
    id: g.id,
    box: rect(g.querySelector('.label-container') ?? g),
    lines: g.querySelectorAll('tspan.text-outer-tspan').length,
  }));
  const labels = [...document.querySelectorAll('.canvas svg g.edgeLabel')]
    .filter((g) => (g.textContent ?? '') !== '')
    .map((g) => ({ text: g.textContent ?? '', box: rect(g) }));
  const paths = [...document.querySelectorAll('.canvas svg path[data-edge="true"]')].map((p) => {
    const ctm = p.getScreenCTM();
    const at = (l) => {
      const q = p.getPointAtLength(l);
      return { x: ctm.a * q.x + ctm.c * q.y + ctm.e, y: ctm.b * q.x + ctm.d * q.y + ctm.f };
    };
    return { id: p.dataset.id ?? '', start: at(0), end: at(p.getTotalLength()) };
  });
  return { nodes, labels, paths };
})()`;

test('the DAG page lays out loops, joins, foreach and switch edges and long names without overlap', {
  skip,
  timeout: 120_000,
}, async () => {
  const flows = {
    // A recursive switch (a self-loop) and a switch whose cases meet again.
    switch: fs.readFileSync(path.join(repoRoot, 'test', 'flows', 'switch.ts'), 'utf8'),
    // Three branches of different lengths, a foreach, a long step name, a switch with two keys to
    // one step, a case back to an earlier step (a cycle) and a step nothing leads to yet.
    mixed: `import { FlowSpec, step, type Inputs } from 'tsflow';
export class MixedFlow extends FlowSpec {
  items = [1, 2];
  mode = 'a';
  @step start() { this.next(this.load_training_data_from_the_warehouse, this.prepare, this.fetch_labels); }
  @step load_training_data_from_the_warehouse() { this.next(this.clean); }
  @step clean() { this.next(this.merge); }
  @step prepare() { this.next(this.fan, { foreach: 'items' }); }
  @step fan() { this.next(this.fanjoin); }
  @step fanjoin(inputs: Inputs<MixedFlow>) { this.next(this.merge); }
  @step fetch_labels() { this.next(this.merge); }
  @step merge(inputs: Inputs<MixedFlow>) {
    this.next({ 'small model': this.train_small, large: this.train_large, huge: this.train_large, retry: this.clean }, { condition: 'mode' });
  }
  @step train_small() { this.next(this.evaluate); }
  @step train_large() { this.next(this.evaluate); }
  @step orphan() { this.next(this.evaluate); }
  @step evaluate() { this.next(this.end); }
  @step end() {}
}`,
  };
  for (const [name, source] of Object.entries(flows)) {
    const graph = analyzeSource(`/flows/${name}.ts`, source).flows[0]!;
    const edges = dagEdges(graph);
    const page = await drawnPage(graph);
    try {
      const drawn = (await page.evaluate(DRAWN_GEOMETRY)) as DrawnGeometry;
      const stepOf = (domId: string) => /flowchart-(s_[A-Za-z0-9_]+)-\d+$/.exec(domId)?.[1];
      const boxOf = new Map(drawn.nodes.map((n) => [stepOf(n.id), n.box]));
      assert.equal(drawn.nodes.length, graph.steps.length, `${name}: every step drawn`);
      assert.ok(
        drawn.nodes.every((n) => n.lines === 1),
        `${name}: every step name on one line`,
      );
      const apart = (a: Rect, b: Rect) =>
        a.right <= b.left + 0.5 ||
        b.right <= a.left + 0.5 ||
        a.bottom <= b.top + 0.5 ||
        b.bottom <= a.top + 0.5;
      const boxes = [
        ...drawn.nodes.map((n) => ({ what: `step ${stepOf(n.id)}`, box: n.box })),
        ...drawn.labels.map((l) => ({ what: `label "${l.text}"`, box: l.box })),
      ];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++)
          assert.ok(
            apart(boxes[i]!.box, boxes[j]!.box),
            `${name}: ${boxes[i]!.what} and ${boxes[j]!.what} overlap`,
          );
      assert.deepEqual(
        drawn.labels.map((l) => l.text).sort(),
        edges.flatMap((e) => (e.label === undefined ? [] : [e.label])).sort(),
        `${name}: every edge label drawn`,
      );
      // Each edge is drawn from its source's outline to its target's (the arrow head's length short).
      assert.equal(drawn.paths.length, edges.length, `${name}: one path per edge`);
      const near = (p: { x: number; y: number }, r: Rect, slack: number) =>
        p.x >= r.left - slack && p.x <= r.right + slack && p.y >= r.top - slack && p.y <= r.bottom + slack;
      // One edge per pair of steps (dagEdges merges a switch's keys to one target): Mermaid's id `L_a_b_0`.
      for (const e of edges) {
        const from = mermaidNodeId(e.from);
        const to = mermaidNodeId(e.to);
        const p = drawn.paths.find((x) => x.id === `L_${from}_${to}_0`);
        assert.ok(
          p,
          `${name}: the edge ${e.from} -> ${e.to} is drawn (${drawn.paths.map((x) => x.id).join(', ')})`,
        );
        assert.ok(near(p.start, boxOf.get(from)!, 3), `${name}: ${e.from} -> ${e.to} starts at ${e.from}`);
        assert.ok(near(p.end, boxOf.get(to)!, 12), `${name}: ${e.from} -> ${e.to} ends at ${e.to}`);
      }
    } finally {
      await page.close();
    }
  }
});

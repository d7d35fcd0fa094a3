// The DAG panel's page in jsdom, with a stand-in for Mermaid (which needs real SVG layout): the
// source it is given, click-to-reveal, run colouring without re-rendering, escaping of problems,
// export, and errors.

import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { analyzeSource } from '../../runtime/src/graph/index.ts';
import type { FlowGraph } from '../../runtime/src/graph/types.ts';
import { DagView } from '../../webviews/src/dag/view.ts';
import type { FromDagMessage } from '../../webviews/src/messages.ts';

const PETS = `import { FlowSpec, step, type Inputs } from 'tsflow';
export class PetsFlow extends FlowSpec {
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<PetsFlow>) { this.next(this.end); }
  @step end() {}
}`;
const graph: FlowGraph = analyzeSource('/f.ts', PETS).flows[0]!;

let dom: JSDOM;
let posted: FromDagMessage[];
let sources: string[];
let view: DagView;
let failRender = false;

/** What Mermaid produces, reduced to what the panel reads: one `g.node` per node line. */
function fakeRender(id: string, source: string): Promise<{ svg: string }> {
  if (failRender) return Promise.reject(new Error('Parse error on line 3'));
  sources.push(source);
  const ids = [...source.matchAll(/^ {2}(s_[A-Za-z0-9_]+)[[({]/gm)].map((m) => m[1]!);
  const nodes = ids.map(
    (n, i) => `<g class="node default" id="${id}-flowchart-${n}-${i}"><rect/><text>${n}</text></g>`,
  );
  return Promise.resolve({
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 200">${nodes.join('')}</svg>`,
  });
}

beforeEach(() => {
  dom = new JSDOM('<!DOCTYPE html><body><div id="app"></div></body>');
  posted = [];
  sources = [];
  failRender = false;
  view = new DagView({
    doc: dom.window.document,
    root: dom.window.document.getElementById('app')!,
    post: (m) => posted.push(m),
    render: fakeRender,
  });
});

const canvas = () => dom.window.document.querySelector('.canvas')!;

describe('DAG panel (jsdom)', () => {
  it('renders the graph and reports the node count', async () => {
    await view.handle({ type: 'graph', graph, stale: false, problems: [] });
    assert.equal(canvas().querySelectorAll('g.node').length, 5);
    assert.match(sources[0]!, /^flowchart TD/);
    assert.equal(dom.window.document.querySelector('.title')!.textContent, 'PetsFlow: 5 steps');
    const rendered = posted.find((m) => m.type === 'rendered');
    assert.ok(rendered?.type === 'rendered');
    assert.equal(rendered.nodes, 5);
    assert.equal(rendered.cached, undefined);
    // The first render with no run is offered to the extension to keep: its exact source and SVG.
    assert.equal(rendered.keep?.source, sources[0]);
    assert.match(rendered.keep!.svg, /^<svg/);
  });

  it('shows a kept drawing of the same source at once, and renders when none matches', async () => {
    await view.handle({ type: 'graph', graph, stale: false, problems: [] });
    const keep = posted.find((m) => m.type === 'rendered' && m.keep)!;
    assert.ok(keep.type === 'rendered' && keep.keep);
    posted = [];
    const other = {
      source: 'flowchart LR\n',
      theme: '',
      svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    };
    const fresh = new DagView({
      doc: dom.window.document,
      root: dom.window.document.getElementById('app')!,
      post: (m) => posted.push(m),
      render: fakeRender,
    });
    await fresh.handle({ type: 'graph', graph, stale: false, problems: [], cached: [other, keep.keep] });
    assert.equal(sources.length, 1, 'no second render');
    const shown = posted.find((m) => m.type === 'rendered');
    assert.ok(shown?.type === 'rendered' && shown.cached === true && shown.nodes === 5 && !shown.keep);
    // Only the first graph message uses them: an edit renders.
    await fresh.handle({ type: 'graph', graph, stale: false, problems: [] });
    assert.equal(sources.length, 2);
    // A drawing in another theme is not used.
    const dark = new DagView({
      doc: dom.window.document,
      root: dom.window.document.getElementById('app')!,
      post: () => {},
      render: fakeRender,
      theme: () => 'dark',
    });
    await dark.handle({ type: 'graph', graph, stale: false, problems: [], cached: [keep.keep] });
    assert.equal(sources.length, 3);
  });

  it('lets only plain drawing into the page, from the renderer and from kept drawings', async () => {
    const evil = [
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)" viewBox="0 0 10 10">',
      '<style>@import url(https://evil.example/x.css);</style>',
      '<style>.ok { fill: url(#grad) }</style>',
      '<script>alert(1)</script>',
      '<g class="node default" id="dag1-flowchart-s_start-0" onclick="alert(1)"><rect style="fill: url(https://evil.example/i.png)"/>',
      '<text>&lt;img src=x onerror=alert(1)&gt;</text></g>',
      '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject>',
      '<a href="javascript:alert(1)"><rect/></a><image href="x" onerror="alert(1)"/>',
      '<use xlink:href="data:image/svg+xml,&lt;svg/&gt;#x"/><animate attributeName="href" values="javascript:alert(1)"/>',
      '<set attributeName="onmouseover" to="alert(1)"/><iframe xmlns="http://www.w3.org/1999/xhtml" src="x"/>',
      '<path d="M0 0" marker-end="url(#arrow)" xlink:title="t"/>',
      '</svg>',
    ].join('');
    const evilView = new DagView({
      doc: dom.window.document,
      root: dom.window.document.getElementById('app')!,
      post: (m) => posted.push(m),
      render: () => Promise.resolve({ svg: evil }),
    });
    await evilView.handle({ type: 'graph', graph, stale: false, problems: [] });
    const svg = [...dom.window.document.querySelectorAll('.canvas svg')].at(-1)!;
    const html = svg.outerHTML;
    for (const bad of ['script', 'foreignObject', 'img', 'a', 'image', 'use', 'animate', 'set', 'iframe'])
      assert.equal(svg.getElementsByTagName(bad).length, 0, bad);
    const attributes = [svg, ...svg.querySelectorAll('*')].flatMap((e) =>
      [...e.attributes].map((a) => a.name),
    );
    assert.deepEqual(
      attributes.filter((a) => /^on|href|title/.test(a)),
      [],
    );
    assert.doesNotMatch(html.replace(/<text>.*?<\/text>/, ''), /alert|javascript:|evil\.example|@import/);
    // What is plain stays: the node, its text as text, local url(#…) references.
    assert.equal(svg.querySelector('g.node text')!.textContent, '<img src=x onerror=alert(1)>');
    assert.match(html, /marker-end="url\(#arrow\)"/);
    assert.match(html, /fill: url\(#grad\)/);
    // Exported and kept: the drawing as shown, not the renderer's string.
    const shown = posted.findLast((m) => m.type === 'rendered');
    assert.ok(shown?.type === 'rendered' && shown.keep);
    assert.doesNotMatch(shown.keep.svg, /onload|script|foreignObject|evil/);
    // A kept drawing that needs cleaning is not used: the graph is drawn again.
    posted = [];
    const source = sources.length;
    const kept = { source: shown.keep.source, theme: '', svg: evil };
    const reopened = new DagView({
      doc: dom.window.document,
      root: dom.window.document.getElementById('app')!,
      post: (m) => posted.push(m),
      render: fakeRender,
    });
    await reopened.handle({ type: 'graph', graph, stale: false, problems: [], cached: [kept] });
    assert.equal(sources.length, source + 1);
    const again = posted.find((m) => m.type === 'rendered');
    assert.ok(again?.type === 'rendered' && !again.cached && again.nodes === 5);
  });

  it('reveals the step of a clicked node', async () => {
    await view.handle({ type: 'graph', graph, stale: false, problems: [] });
    const join = [...canvas().querySelectorAll('g.node')].find((n) => n.id.includes('s_join'))!;
    join.querySelector('text')!.dispatchEvent(new dom.window.MouseEvent('click', { bubbles: true }));
    assert.deepEqual(
      posted.filter((m) => m.type === 'openStep'),
      [{ type: 'openStep', step: 'join' }],
    );
  });

  it('colours nodes by the run without re-rendering', async () => {
    await view.handle({ type: 'graph', graph, stale: false, problems: [] });
    await view.handle({
      type: 'runStatus',
      run: {
        pathspec: 'PetsFlow/17',
        status: 'running',
        steps: { start: 'done', a: 'running', b: 'failed' },
      },
    });
    assert.equal(sources.length, 1);
    const cls = (step: string) =>
      [...canvas().querySelector(`g.node[id*="flowchart-s_${step}-"]`)!.classList].filter((c) =>
        c.startsWith('st_'),
      );
    assert.deepEqual(cls('start'), ['st_done']);
    assert.deepEqual(cls('a'), ['st_running']);
    assert.deepEqual(cls('b'), ['st_failed']);
    assert.deepEqual(cls('end'), ['st_pending']);
    assert.equal(dom.window.document.querySelector('.run-label')!.textContent, 'run 17: running');
    await view.handle({
      type: 'runStatus',
      run: {
        pathspec: 'PetsFlow/17',
        status: 'succeeded',
        steps: Object.fromEntries(graph.steps.map((s) => [s.name, 'done'])),
      },
    });
    assert.equal(canvas().querySelectorAll('g.node.st_done').length, 5);
    // A re-render (the user typed) keeps the colours.
    await view.handle({ type: 'graph', graph, stale: true, problems: [] });
    assert.equal(canvas().querySelectorAll('g.node.st_done').length, 5);
    assert.equal((dom.window.document.querySelector('.badge.stale') as HTMLElement).hidden, false);
  });

  it('shows lint problems and errors as text', async () => {
    const evil = '12:3 <img src=x onerror=alert(1)> is not a step';
    await view.handle({ type: 'graph', graph, stale: false, problems: [evil] });
    const li = dom.window.document.querySelector('.problems li')!;
    assert.equal(li.textContent, evil);
    assert.equal(dom.window.document.querySelectorAll('img').length, 0);
    failRender = true;
    await view.handle({ type: 'graph', graph, stale: false, problems: [] });
    assert.match(
      dom.window.document.querySelector('.error')!.textContent!,
      /Cannot draw the graph: Parse error/,
    );
    await view.handle({ type: 'error', message: '<b>gone</b>' });
    assert.equal(dom.window.document.querySelector('.error')!.textContent, '<b>gone</b>');
    assert.equal(dom.window.document.querySelectorAll('b').length, 0);
  });

  it('exports the SVG, switches direction and asks for another run', async () => {
    await view.handle({ type: 'graph', graph, stale: false, problems: [] });
    const click = (cls: string) =>
      dom.window.document.querySelector(`.toolbar .${cls}`)!.dispatchEvent(new dom.window.Event('click'));
    click('export');
    const exp = posted.find((m) => m.type === 'exportSvg');
    assert.ok(exp && exp.type === 'exportSvg' && exp.svg.startsWith('<svg'));
    click('direction');
    await new Promise((r) => setTimeout(r, 10));
    assert.match(sources.at(-1)!, /^flowchart LR/);
    click('select-run');
    assert.ok(posted.some((m) => m.type === 'selectRun'));
    click('zoom-in');
    assert.equal(canvas().querySelector('svg')!.getAttribute('width'), '125');
  });
});

// Entry of the DAG panel's page (out/webviews/dag.js, a small IIFE): draws the toolbar and asks
// the extension for the graph at once, and loads Mermaid (dag-mermaid.js, load-mermaid.ts) in
// parallel; the first render waits for whichever comes last.

import type { Mermaid } from 'mermaid';
import type { ToDagMessage } from '../messages.js';
import { vscodeApi } from '../vscode-api.js';
import { TSFLOW_LAYOUT } from './mermaid-layout.js';
import { DagView } from './view.js';

type State = { zoom: number; direction: 'TD' | 'LR' };
const api = vscodeApi<State>();

function themeOf(body: HTMLElement): 'dark' | 'default' {
  return body.classList.contains('vscode-dark') || body.classList.contains('vscode-high-contrast')
    ? 'dark'
    : 'default';
}

let theme = themeOf(document.body);
const init = (mermaid: Mermaid) =>
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme,
    // The panel's own layout (registered by dag-mermaid.js): dagre is not bundled.
    layout: TSFLOW_LAYOUT,
    look: 'classic',
    // A 100-step flow is far below these; the defaults (50,000 / 500) cut big flows off.
    maxTextSize: 1_000_000,
    maxEdges: 5_000,
    // SVG text labels, not HTML in <foreignObject>: no HTML layout per label, and an exported SVG
    // that draws outside a browser too. The top-level key: node labels read only that one (with
    // `flowchart.htmlLabels: false` alone they were HTML all the same).
    htmlLabels: false,
    // Step names are identifiers: a long one is drawn on one line (Mermaid's wrapping at 200 px
    // would cut it between two letters), and no label is measured to decide where to wrap.
    flowchart: { useMaxWidth: false, curve: 'basis', wrappingWidth: Number.POSITIVE_INFINITY },
    fontFamily: getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif',
  });

/** Mermaid, once dag-mermaid.js (next to this script, same nonce) has run. */
const mermaidLoaded = new Promise<Mermaid>((resolve, reject) => {
  const w = window as unknown as { tsflowMermaid?: Mermaid; tsflowMermaidLoaded?: (m: Mermaid) => void };
  if (w.tsflowMermaid) return resolve(w.tsflowMermaid);
  w.tsflowMermaidLoaded = resolve;
  const self = document.currentScript as HTMLScriptElement | null;
  const script = document.createElement('script');
  script.src = new URL('dag-mermaid.js', self?.src || document.baseURI).href;
  script.nonce = self?.nonce ?? '';
  script.async = true;
  script.addEventListener('error', () => reject(new Error('the Mermaid bundle did not load')));
  document.body.append(script);
}).then((m) => {
  init(m);
  return m;
});

const view = new DagView({
  doc: document,
  root: document.getElementById('app')!,
  post: (m) => api.postMessage(m),
  // Drawn in `into`, where Mermaid leaves it (scripts/mermaid-bundle.mjs): the page shows it there.
  render: async (id, source, into) => (await mermaidLoaded).render(id, source, into),
  state: api.getState(),
  saveState: (s) => api.setState(s),
  theme: () => theme,
});

// Queue messages so renders never overlap.
let chain = Promise.resolve();
window.addEventListener('message', (ev: MessageEvent<ToDagMessage>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
  chain = chain.then(() => view.handle(m)).catch(() => {});
});

// Theme changes (VS Code swaps the body class): re-render with the matching Mermaid theme.
new MutationObserver(() => {
  const t = themeOf(document.body);
  if (t === theme) return;
  theme = t;
  chain = chain
    .then(async () => {
      init(await mermaidLoaded);
      await view.renderGraph();
    })
    .catch(() => {});
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

api.postMessage({ type: 'ready' });

// Entry of the DAG panel bundle (an IIFE with Mermaid inside; loaded only by this panel).

import mermaid from 'mermaid';
import type { ToDagMessage } from '../messages.js';
import { vscodeApi } from '../vscode-api.js';
import { DagView } from './view.js';

type State = { zoom: number; direction: 'TD' | 'LR' };
const api = vscodeApi<State>();

function themeOf(body: HTMLElement): 'dark' | 'default' {
  return body.classList.contains('vscode-dark') || body.classList.contains('vscode-high-contrast')
    ? 'dark'
    : 'default';
}

let theme = themeOf(document.body);
const init = () =>
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme,
    layout: 'dagre',
    look: 'classic',
    // A 100-step flow is far below these; the defaults (50,000 / 500) cut big flows off.
    maxTextSize: 1_000_000,
    maxEdges: 5_000,
    flowchart: { htmlLabels: false, useMaxWidth: false, curve: 'basis' },
    fontFamily: getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif',
  });
init();

const view = new DagView({
  doc: document,
  root: document.getElementById('app')!,
  post: (m) => api.postMessage(m),
  render: (id, source) => mermaid.render(id, source),
  state: api.getState(),
  saveState: (s) => api.setState(s),
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
  init();
  chain = chain.then(() => view.renderGraph()).catch(() => {});
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

api.postMessage({ type: 'ready' });

// Entry of the artifact viewer bundle: @vscode-elements/elements components (only those used) and
// the renderer; pages arrive from the extension, "next"/"previous" ask for more.

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-tree/index.js';
import '@vscode-elements/elements/dist/vscode-tree-item/index.js';
import type { ToArtifactMessage } from '../messages.js';
import { vscodeApi } from '../vscode-api.js';
import { renderError, renderPage } from './render.js';

const api = vscodeApi();
const root = document.getElementById('app')!;
root.textContent = 'Loading…';

window.addEventListener('message', (ev: MessageEvent<ToArtifactMessage>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'page') renderPage(document, root, m.page, (x) => api.postMessage(x));
  else if (m.type === 'error') renderError(document, root, String(m.message));
});

api.postMessage({ type: 'ready' });

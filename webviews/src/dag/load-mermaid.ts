// Entry of out/webviews/dag-mermaid.js: Mermaid alone (flowchart code only, see
// scripts/mermaid-bundle.mjs) with the panel's layout registered (mermaid-layout.ts). The page
// preloads it (fetched and parsed while dag.js runs), and main.ts runs it with the page's nonce
// after the page has drawn its toolbar and asked the extension for the graph: the evaluation
// overlaps that round trip instead of preceding it.

import mermaid from 'mermaid';
import { tsflowLayout } from './mermaid-layout.js';

mermaid.registerLayoutLoaders([tsflowLayout]);

const w = window as unknown as {
  tsflowMermaid?: typeof mermaid;
  tsflowMermaidLoaded?: (m: typeof mermaid) => void;
};
w.tsflowMermaid = mermaid;
w.tsflowMermaidLoaded?.(mermaid);

// The DAG panel's page: a toolbar (run shown, select run, direction, zoom, export SVG), the
// problems that make the graph incomplete, and the Mermaid drawing. The renderer is injected so
// tests run this in jsdom with a stand-in (Mermaid needs real SVG layout). Everything that comes
// from data is set with textContent or goes through Mermaid's strict mode, and the drawing through
// sanitize-svg.ts: never innerHTML.

import type { FlowGraph } from '../../../runtime/src/graph/types.js';
import type { CachedSvg, FromDagMessage, RunStatusSummary, ToDagMessage } from '../messages.js';
import { MAX_CACHED_SVG_BYTES } from '../messages.js';
import { dagToMermaid, mermaidNodeId, STATUS_CLASSES, stepOfElementId } from './mermaid.js';
import { sanitizeSvg } from './sanitize-svg.js';

/**
 * Draws Mermaid `source` as SVG markup; a renderer may also leave the live drawing (an <svg>) in
 * `into`, an element of the page, which the page then uses instead of parsing the markup again.
 */
export type Renderer = (id: string, source: string, into: HTMLElement) => Promise<{ svg: string }>;

export interface DagViewOptions {
  doc: Document;
  root: HTMLElement;
  post: (m: FromDagMessage) => void;
  render: Renderer;
  /** Persisted UI state (zoom, direction) across reloads of the webview. */
  state?: { zoom?: number; direction?: 'TD' | 'LR' };
  saveState?: (s: { zoom: number; direction: 'TD' | 'LR' }) => void;
  /** The Mermaid theme the renderer draws with (part of what makes a kept drawing reusable). */
  theme?: () => string;
}

export class DagView {
  private graph: FlowGraph | undefined;
  private run: RunStatusSummary | null = null;
  private stale = false;
  private problems: string[] = [];
  /** Drawings the extension kept for this graph, usable for the next render if one matches. */
  private cached: CachedSvg[] = [];
  private zoom: number;
  private direction: 'TD' | 'LR';
  private renders = 0;
  private readonly el: {
    title: HTMLElement;
    runLabel: HTMLElement;
    badge: HTMLElement;
    problems: HTMLElement;
    canvas: HTMLElement;
    error: HTMLElement;
  };
  /** The SVG last rendered (for export). */
  svg: string | undefined;

  constructor(private readonly o: DagViewOptions) {
    this.zoom = o.state?.zoom ?? 1;
    this.direction = o.state?.direction ?? 'TD';
    const d = o.doc;
    const mk = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string) => {
      const e = d.createElement(tag);
      e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const bar = mk('div', 'toolbar');
    const title = mk('span', 'title', 'DAG');
    const badge = mk(
      'span',
      'badge stale',
      'stale: the file does not parse; showing the last graph that did',
    );
    badge.hidden = true;
    const runLabel = mk('span', 'run-label', '');
    const button = (label: string, cls: string, onClick: () => void, tip: string) => {
      const b = mk('button', `tool ${cls}`, label);
      b.type = 'button';
      b.title = tip;
      b.addEventListener('click', onClick);
      return b;
    };
    bar.append(
      title,
      badge,
      mk('span', 'spacer'),
      runLabel,
      button('Run…', 'select-run', () => o.post({ type: 'selectRun' }), 'Colour the nodes by another run'),
      button('⇄', 'direction', () => this.toggleDirection(), 'Top-down / left-to-right'),
      button('−', 'zoom-out', () => this.setZoom(this.zoom / 1.25), 'Zoom out'),
      button('1:1', 'zoom-reset', () => this.setZoom(1), 'Actual size'),
      button('+', 'zoom-in', () => this.setZoom(this.zoom * 1.25), 'Zoom in'),
      button('Export SVG', 'export', () => this.exportSvg(), 'Save the graph as an SVG file'),
    );
    const problems = mk('ul', 'problems');
    const error = mk('div', 'error');
    error.hidden = true;
    const canvas = mk('div', 'canvas');
    canvas.addEventListener('click', (ev) => this.onClick(ev));
    const legend = mk('div', 'legend');
    for (const [cls, text] of [
      ['k_foreach', 'foreach split'],
      ['k_switch', 'switch'],
      ['k_join', 'join'],
      ['st_done', 'done'],
      ['st_running', 'running'],
      ['st_failed', 'failed'],
      ['st_pending', 'not run'],
    ] as const) {
      const item = mk('span', `legend-item ${cls}`);
      item.append(mk('span', 'swatch'), mk('span', 'legend-text', text));
      legend.append(item);
    }
    o.root.append(bar, problems, error, canvas, legend);
    this.el = { title, runLabel, badge, problems, canvas, error };
  }

  async handle(m: ToDagMessage): Promise<void> {
    switch (m.type) {
      case 'graph':
        this.graph = m.graph;
        this.stale = m.stale;
        this.problems = m.problems;
        this.cached = m.cached ?? [];
        await this.renderGraph();
        return;
      case 'runStatus':
        this.run = m.run;
        this.applyRunStatus();
        return;
      case 'error':
        this.showError(m.message);
        return;
    }
  }

  private showError(message: string | undefined): void {
    this.el.error.hidden = message === undefined;
    this.el.error.textContent = message ?? '';
  }

  async renderGraph(): Promise<void> {
    const g = this.graph;
    if (!g) return;
    this.el.title.textContent = `${g.name}: ${g.steps.length} step${g.steps.length === 1 ? '' : 's'}`;
    this.el.badge.hidden = !this.stale;
    this.el.problems.replaceChildren(
      ...this.problems.slice(0, 20).map((p) => {
        const li = this.o.doc.createElement('li');
        li.textContent = p;
        return li;
      }),
    );
    const started = performance.now();
    const id = `dag${++this.renders}`;
    // A drawing kept by the extension for exactly this source and theme (no run colouring: that is
    // applied below either way) replaces the render; the first render with no run is kept.
    const theme = this.o.theme?.() ?? '';
    const plain = dagToMermaid(g, null, { direction: this.direction });
    const hit = this.cached.find((c) => c.source === plain && c.theme === theme);
    this.cached = [];
    // The new drawing is made in the canvas, under the one shown and transparent (it is laid out:
    // Mermaid measures its labels there), and shown in place, without being moved (a move would
    // style and lay the whole drawing out again).
    const doc = this.o.doc;
    const staging = doc.createElement('div');
    staging.className = 'drawing staging';
    this.el.canvas.append(staging);
    try {
      const { svg } =
        hit ??
        (await this.o.render(
          id,
          this.run ? dagToMermaid(g, this.run, { direction: this.direction }) : plain,
          staging,
        ));
      // Mermaid's output in strict mode (labels sanitised, SVG text) from text we entity-escaped,
      // or a drawing the extension kept: the live drawing Mermaid left in `staging`, or the markup
      // parsed as SVG, never as HTML; either way only plain drawing stays (sanitize-svg.ts). A
      // kept drawing that needed cleaning is not used.
      let root: Element | null = hit ? null : staging.querySelector('svg');
      if (!root) {
        const parsed = new doc.defaultView!.DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
        if (parsed.nodeName !== 'svg') throw new Error('the renderer did not produce an SVG');
        // Adopted, not imported: the parsed tree moves into the page instead of being copied.
        root = doc.adoptNode(parsed);
        staging.replaceChildren(root);
      }
      const removed = sanitizeSvg(root);
      if (hit && removed > 0) {
        staging.remove();
        return await this.renderGraph();
      }
      // What is exported and kept: the drawing as it is shown.
      const clean = removed === 0 ? svg : new doc.defaultView!.XMLSerializer().serializeToString(root);
      for (const old of [...this.el.canvas.children]) if (old !== staging) old.remove();
      staging.classList.remove('staging');
      this.svg = clean;
      this.showError(undefined);
      this.applyZoom();
      this.applyRunStatus();
      const nodes = this.el.canvas.querySelectorAll('g.node').length;
      const now = performance.now();
      const keep =
        !hit && !this.run && clean.length <= MAX_CACHED_SVG_BYTES
          ? { source: plain, theme, svg: clean }
          : undefined;
      this.o.post({
        type: 'rendered',
        nodes,
        ms: now - started,
        at: now,
        ...(hit ? { cached: true } : {}),
        ...(keep ? { keep } : {}),
      });
    } catch (e) {
      staging.remove();
      this.showError(`Cannot draw the graph: ${(e as Error).message}`);
    }
  }

  /** Colours nodes by the run without re-rendering (classes only). */
  applyRunStatus(): void {
    const g = this.graph;
    const r = this.run;
    this.el.runLabel.textContent = r ? `run ${r.pathspec.split('/')[1] ?? ''}: ${r.status}` : 'no run';
    this.el.runLabel.className = `run-label ${r ? `run-${r.status}` : ''}`;
    if (!g) return;
    for (const node of this.el.canvas.querySelectorAll('g.node')) {
      const step = stepOfElementId(g, node.id);
      for (const s of STATUS_CLASSES) node.classList.remove(`st_${s}`);
      if (step && r) node.classList.add(`st_${r.steps[step] ?? 'pending'}`);
    }
  }

  private onClick(ev: Event): void {
    const target = ev.target as Element | null;
    const node = target?.closest?.('g.node');
    if (!node || !this.graph) return;
    const step = stepOfElementId(this.graph, node.id);
    if (step) this.o.post({ type: 'openStep', step });
  }

  private setZoom(z: number): void {
    this.zoom = Math.min(4, Math.max(0.1, z));
    this.applyZoom();
    this.save();
  }

  private applyZoom(): void {
    const svg = this.el.canvas.querySelector('svg');
    if (!svg) return;
    const vb = svg
      .getAttribute('viewBox')
      ?.split(/[\s,]+/)
      .map(Number);
    if (vb && vb.length === 4 && vb.every(Number.isFinite)) {
      svg.setAttribute('width', String(vb[2]! * this.zoom));
      svg.setAttribute('height', String(vb[3]! * this.zoom));
      svg.style.maxWidth = 'none';
    }
  }

  private toggleDirection(): void {
    this.direction = this.direction === 'TD' ? 'LR' : 'TD';
    this.save();
    void this.renderGraph();
  }

  private save(): void {
    this.o.saveState?.({ zoom: this.zoom, direction: this.direction });
  }

  private exportSvg(): void {
    if (this.svg) this.o.post({ type: 'exportSvg', svg: this.svg });
  }

  /** For tests: the node id of a step. */
  static nodeId(step: string): string {
    return mermaidNodeId(step);
  }
}

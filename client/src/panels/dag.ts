// The DAG panel: one webview per flow (file + class). The graph comes from the language server
// (`tsflow/graph`, then `tsflow/graphChanged` while the user types); nodes are coloured by a
// selected run (by default the flow's latest, switched to a run as soon as it is launched here),
// live while it runs. Clicking a node reveals the step; the SVG can be exported.

import path from 'node:path';
import * as vscode from 'vscode';
import type { FlowGraph } from '../../../runtime/src/graph/types.js';
import type { FlowCommandArgs, GraphResult } from '../../../server/src/protocol.js';
import { dagToMermaid } from '../../../webviews/src/dag/mermaid.js';
import {
  type CachedSvg,
  parseFromDag,
  type RunStatusSummary,
  type ToDagMessage,
} from '../../../webviews/src/messages.js';
import { Debouncer } from '../debounce.js';
import type { FlowLanguageClient } from '../lsp.js';
import type { RunProgress, RunsDataService } from '../runs/data.js';
import { makeNonce, webviewShell } from './html.js';

export const DAG_VIEW_TYPE = 'tsflow.dag';

/**
 * A render the webview reported: node count, its duration (from the graph's arrival, Mermaid's
 * load included when it was still loading), `at` the page's clock (ms since the webview page
 * started), and when the extension received it (`performance.now()` of the extension host).
 */
export interface RenderReport {
  nodes: number;
  ms: number;
  at?: number;
  /** Drawn from a kept SVG (a reopened panel), not by Mermaid. */
  cached: boolean;
  receivedAt: number;
}

/**
 * The SVGs of the last few first renders (exact Mermaid source + theme → SVG), in workspace state,
 * so that reopening a panel on an unchanged flow shows its graph without waiting for Mermaid.
 */
export class SvgCache {
  /** Its number changes with the drawing for the same source (the panel's own layout is `2`): a
   * drawing kept by an older version is not shown. */
  static readonly KEY = 'tsflow.dag.svgCache.2';
  static readonly MAX_ENTRIES = 8;
  static readonly MAX_BYTES = 4 * 1024 * 1024;
  private entries: CachedSvg[];

  constructor(private readonly store?: vscode.Memento) {
    const saved = store?.get<unknown>(SvgCache.KEY);
    this.entries = Array.isArray(saved)
      ? saved.filter(
          (e): e is CachedSvg =>
            typeof e?.source === 'string' && typeof e?.theme === 'string' && typeof e?.svg === 'string',
        )
      : [];
  }

  find(sources: string[]): CachedSvg[] {
    return this.entries.filter((e) => sources.includes(e.source));
  }

  keep(entry: CachedSvg): void {
    const rest = this.entries.filter((e) => e.source !== entry.source || e.theme !== entry.theme);
    const next = [entry];
    let bytes = entry.source.length + entry.svg.length;
    for (const e of rest) {
      bytes += e.source.length + e.svg.length;
      if (next.length >= SvgCache.MAX_ENTRIES || bytes > SvgCache.MAX_BYTES) break;
      next.push(e);
    }
    this.entries = next;
    void this.store?.update(SvgCache.KEY, next);
  }
}

class DagPanel implements vscode.Disposable {
  private ready = false;
  private graph: FlowGraph | undefined;
  /** The graph request made when the panel opens, while the webview loads; taken at `ready`. */
  private firstGraph: Promise<GraphResult> | undefined;
  /** A graph that arrived (graphChanged) before the webview was ready: sent at `ready`. */
  private pendingGraph: GraphResult | undefined;
  /** `Flow/run` of the run colouring the nodes; undefined = follow the latest run. */
  selectedRun: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusRefresh: Debouncer;
  /** Resolves when the webview reported its first render (tests and the bench wait for it). */
  lastRender: RenderReport | undefined;
  private readonly renderEmitter = new vscode.EventEmitter<RenderReport>();
  readonly onRendered = this.renderEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly args: FlowCommandArgs,
    private readonly owner: DagPanels,
  ) {
    this.statusRefresh = new Debouncer(() => void this.pushRunStatus(), 200, 800);
    const webview = panel.webview;
    const base = vscode.Uri.file(owner.webviewsDir);
    const nonce = makeNonce();
    webview.html = webviewShell({
      cspSource: webview.cspSource,
      nonce,
      title: `${args.flow} DAG`,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'dag.js')).toString(),
      // Mermaid, which dag.js loads once it has drawn the toolbar and asked for the graph.
      preloadScriptUris: [webview.asWebviewUri(vscode.Uri.joinPath(base, 'dag-mermaid.js')).toString()],
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'dag.css')).toString(),
      view: 'dag',
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => void this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    // Ask the language server now, in parallel with the webview's creation and script load,
    // rather than after the page says it is ready.
    this.firstGraph = owner.lsp.graph(vscode.Uri.parse(args.uri));
    this.firstGraph.catch(() => {});
  }

  private post(m: ToDagMessage): void {
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromDag(raw);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.pendingGraph) this.setGraph(this.pendingGraph);
        else await this.loadGraph();
        await this.pushRunStatus();
        return;
      case 'openStep':
        return this.openStep(m.step);
      case 'selectRun':
        return this.pickRun();
      case 'exportSvg': {
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.file(path.join(path.dirname(this.args.file), `${this.args.flow}.svg`)),
          filters: { SVG: ['svg'] },
        });
        if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(m.svg, 'utf8'));
        return;
      }
      case 'rendered':
        if (m.keep) this.owner.svgCache.keep(m.keep);
        this.lastRender = {
          nodes: m.nodes,
          ms: m.ms,
          at: m.at,
          cached: m.cached === true,
          receivedAt: performance.now(),
        };
        this.renderEmitter.fire(this.lastRender);
        return;
    }
  }

  async loadGraph(): Promise<void> {
    try {
      const first = this.firstGraph;
      this.firstGraph = undefined;
      this.setGraph(await (first ?? this.owner.lsp.graph(vscode.Uri.parse(this.args.uri))));
    } catch (e) {
      this.post({ type: 'error', message: `Cannot read the graph: ${(e as Error).message}` });
    }
  }

  setGraph(result: GraphResult): void {
    if (!this.ready) {
      // Newer than the request made at creation: that one is dropped.
      this.pendingGraph = result;
      this.firstGraph = undefined;
      return;
    }
    this.pendingGraph = undefined;
    const graph =
      result.flows.find((f) => f.name === this.args.flow) ??
      (result.flows.length === 1 ? result.flows[0] : undefined);
    if (!graph) {
      this.post({
        type: 'error',
        message: `${this.args.flow} is not a flow of ${this.args.file} (any more).`,
      });
      return;
    }
    this.graph = graph;
    const problems = result.problems
      .filter((p) => p.severity === 'error' && (p.flow === undefined || p.flow === graph.name))
      .map((p) => `${p.line}:${p.column} ${p.message}`);
    // Drawings kept from earlier panels of this very graph (either direction; the page picks).
    const cached = this.owner.svgCache.find(
      (['TD', 'LR'] as const).map((direction) => dagToMermaid(graph, null, { direction })),
    );
    this.post({ type: 'graph', graph, stale: result.stale, problems, ...(cached.length ? { cached } : {}) });
  }

  private async openStep(step: string): Promise<void> {
    const node = this.graph?.steps.find((s) => s.name === step);
    if (!node) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(this.args.uri));
    const r = node.nameRange;
    const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.One,
      selection: range,
      preserveFocus: false,
    });
  }

  private async pickRun(): Promise<void> {
    const runs = await this.owner.data.runs(this.args.flow, '').catch(() => []);
    const latest = { label: '$(history) Follow the latest run', id: '' };
    const pick = await vscode.window.showQuickPick(
      [
        latest,
        ...runs.slice(0, 200).map((r) => ({
          label: r.id,
          description: `${r.status} · ${new Date(r.createdAt).toLocaleString()}`,
          id: r.id,
        })),
      ],
      { title: `${this.args.flow}: colour the DAG by run` },
    );
    if (!pick) return;
    this.selectedRun = pick.id ? `${this.args.flow}/${pick.id}` : undefined;
    await this.pushRunStatus();
  }

  /** Colours nodes by the selected run (or the latest one). */
  async pushRunStatus(p?: RunProgress): Promise<void> {
    if (!this.ready) return;
    let summary: RunStatusSummary | null = null;
    try {
      if (p) summary = p;
      else {
        const runId =
          this.selectedRun?.split('/')[1] ?? (await this.owner.data.latestRun(this.args.flow))?.id;
        if (runId) summary = await this.owner.data.progress(this.args.flow, runId);
      }
    } catch {
      summary = null;
    }
    this.post({
      type: 'runStatus',
      run: summary ? { pathspec: summary.pathspec, status: summary.status, steps: summary.steps } : null,
    });
  }

  /** The datastore changed. */
  changed(): void {
    this.statusRefresh.trigger();
  }

  /** A run of this flow made progress (launched here): colour by it when it is the one shown. */
  progress(p: RunProgress): void {
    const shown = this.selectedRun;
    if (shown === undefined || shown === p.pathspec) void this.pushRunStatus(shown ? p : undefined);
  }

  dispose(): void {
    this.owner.forget(this);
    this.statusRefresh.dispose();
    this.renderEmitter.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

export class DagPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DagPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly svgCache: SvgCache;

  constructor(
    readonly lsp: FlowLanguageClient,
    readonly data: RunsDataService,
    readonly webviewsDir: string,
    /** Where drawn graphs are kept across panels and sessions (the workspace state). */
    store?: vscode.Memento,
  ) {
    this.svgCache = new SvgCache(store);
    this.disposables.push(
      lsp.onGraphChanged((g) => {
        for (const p of this.panels.values()) if (p.args.uri === g.uri) p.setGraph(g);
      }),
    );
  }

  private key(args: FlowCommandArgs): string {
    return `${args.uri}#${args.flow}`;
  }

  /** Opens (or reveals) the panel of a flow; `run` (`Flow/run`) selects the run colouring it. */
  show(args: FlowCommandArgs, run?: string): DagPanel {
    const key = this.key(args);
    let p = this.panels.get(key);
    if (!p) {
      const panel = vscode.window.createWebviewPanel(
        DAG_VIEW_TYPE,
        `DAG: ${args.flow}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: true,
          localResourceRoots: [vscode.Uri.file(this.webviewsDir)],
          enableCommandUris: false,
        },
      );
      p = new DagPanel(panel, args, this);
      this.panels.set(key, p);
    } else p.panel.reveal(undefined, true);
    if (run !== undefined) {
      p.selectedRun = run;
      void p.pushRunStatus();
    }
    return p;
  }

  forget(p: DagPanel): void {
    if (this.panels.get(this.key(p.args)) === p) this.panels.delete(this.key(p.args));
  }

  /** A run launched here started: panels of its flow follow it. */
  runStarted(flow: string, runId: string): void {
    for (const p of this.panels.values()) {
      if (p.args.flow === flow) {
        p.selectedRun = `${flow}/${runId}`;
        void p.pushRunStatus();
      }
    }
  }

  progress(p: RunProgress): void {
    for (const panel of this.panels.values()) if (panel.args.flow === p.run.flow) panel.progress(p);
  }

  datastoreChanged(): void {
    for (const p of this.panels.values()) p.changed();
  }

  get all(): DagPanel[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

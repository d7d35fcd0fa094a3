// Step status in the editor: after a run, each `@step` of an open flow file carries a lens with
// its last result (`✓ 6 tasks · 1.2 s`, `✗ failed: <message>`) that opens its logs, and a
// `Debug step` lens that re-runs one of its tasks under the debugger. Refreshed from the
// datastore (debounced by the caller) and live during runs launched here.

import * as vscode from 'vscode';
import type { FlowGraph } from '../../runtime/src/graph/types.js';
import type { GraphResult } from '../../server/src/protocol.js';
import { stepStatusText } from './format.js';
import type { FlowLanguageClient } from './lsp.js';
import type { RunProgress, RunsDataService } from './runs/data.js';

export interface DebugStepArgs {
  flow: string;
  runId: string;
  step: string;
  file: string;
}

export class StepStatusLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly graphs = new Map<string, GraphResult>();
  /** Latest run progress per flow (undefined: no run). */
  private readonly latest = new Map<string, Promise<RunProgress | undefined>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly lsp: FlowLanguageClient,
    private readonly data: RunsDataService,
  ) {
    this.disposables.push(
      lsp.onGraphChanged((g) => {
        this.graphs.set(g.uri, g);
        this.changeEmitter.fire();
      }),
    );
  }

  /** The datastore changed: re-read the latest runs. */
  invalidate(): void {
    this.latest.clear();
    this.changeEmitter.fire();
  }

  progress(p: RunProgress): void {
    this.latest.set(p.run.flow, Promise.resolve(p));
    this.changeEmitter.fire();
  }

  private latestOf(flow: string): Promise<RunProgress | undefined> {
    let p = this.latest.get(flow);
    if (!p) {
      p = (async () => {
        const run = await this.data.latestRun(flow);
        return run ? await this.data.progress(flow, run.id) : undefined;
      })().catch(() => undefined);
      this.latest.set(flow, p);
    }
    return p;
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    let g = this.graphs.get(doc.uri.toString());
    if (!g) {
      if (!/\bFlowSpec\b/.test(doc.getText())) return [];
      try {
        g = await this.lsp.graph(doc.uri);
        this.graphs.set(doc.uri.toString(), g);
      } catch {
        return [];
      }
    }
    const out: vscode.CodeLens[] = [];
    for (const flow of g.flows) out.push(...(await this.flowLenses(flow, doc)));
    return out;
  }

  private async flowLenses(flow: FlowGraph, doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const p = await this.latestOf(flow.name);
    if (!p) return [];
    const out: vscode.CodeLens[] = [];
    const byName = new Map(p.stepItems.map((s) => [s.name, s]));
    for (const step of flow.steps) {
      const r = step.nameRange;
      const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      const s = byName.get(step.name);
      if (s) {
        out.push(
          new vscode.CodeLens(range, {
            title: stepStatusText(s),
            tooltip: `${s.pathspec}: ${s.status}. Click for its logs.`,
            command: 'tsflow.showLogs',
            arguments: [s.pathspec],
          }),
        );
        const args: DebugStepArgs = {
          flow: flow.name,
          runId: s.runId,
          step: step.name,
          file: doc.uri.fsPath,
        };
        out.push(
          new vscode.CodeLens(range, {
            title: '$(debug-alt) Debug step',
            tooltip: `Re-run a task of ${s.pathspec} with its original inputs under the debugger`,
            command: 'tsflow.debugStep',
            arguments: [args],
          }),
        );
      }
    }
    return out;
  }

  dispose(): void {
    this.changeEmitter.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Run logs as read-only documents (`tsflow-log:` URIs), highlighted by the run-log grammar. */
export class LogDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'tsflow-log';
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly data: RunsDataService) {}

  static uri(pathspec: string): vscode.Uri {
    return vscode.Uri.from({ scheme: LogDocuments.scheme, path: `/${pathspec}.log` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const pathspec = uri.path.replace(/^\//, '').replace(/\.log$/, '');
    try {
      const text = await this.data.logText(pathspec);
      return text || `(no output yet for ${pathspec})\n`;
    } catch (e) {
      return `Cannot read the logs of ${pathspec}: ${(e as Error).message}\n`;
    }
  }

  refresh(uri: vscode.Uri): void {
    this.changeEmitter.fire(uri);
  }
}

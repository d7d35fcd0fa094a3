// The extension host side of tsflow: starts the language server, implements the CodeLens commands
// (run, resume, show DAG), the runs explorer, the DAG panel, the artifact viewer, step status
// lenses, debug step and run logs. Activation does no I/O beyond registering things; the
// language server starts in the background.

import { execFile } from 'node:child_process';
import path from 'node:path';
import * as vscode from 'vscode';
import type { FlowCommandArgs } from '../../server/src/protocol.js';
import {
  datastoreArgs,
  defaultFolder,
  ExtensionPaths,
  explorerRoot,
  nodeBinary,
  settings,
} from './config.js';
import { Debouncer } from './debounce.js';
import { FlowLanguageClient } from './lsp.js';
import { ArtifactPanels } from './panels/artifact.js';
import { DagPanels } from './panels/dag.js';
import { FlowRunner, requireTrust } from './runner.js';
import { RunsDataService } from './runs/data.js';
import { type Node, RunsTreeProvider, relativeTo } from './runs/tree.js';
import { type DebugStepArgs, LogDocuments, StepStatusLenses } from './steps.js';

/** What `activate` returns: for the in-host tests and the bench, not a public API. */
export interface TsflowApi {
  activationMs: number;
  data: RunsDataService;
  tree: RunsTreeProvider;
  treeView: vscode.TreeView<Node>;
  dag: DagPanels;
  runner: FlowRunner;
  lsp: FlowLanguageClient;
  steps: StepStatusLenses;
  datastoreRoot(): string | undefined;
}

/** Watches the datastore root (created or not yet) and reports changed paths, batched. */
class DatastoreWatcher implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private watchedRoot: string | undefined;
  private readonly pending = new Set<string>();
  private readonly debouncer: Debouncer;

  constructor(private readonly onChange: (relPaths: string[]) => void) {
    this.debouncer = new Debouncer(
      () => {
        const paths = [...this.pending];
        this.pending.clear();
        this.onChange(paths);
      },
      300,
      1000,
    );
  }

  watch(root: string | undefined): void {
    if (root === this.watchedRoot) return;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.watchedRoot = root;
    if (!root) return;
    // Watch from the parent so a root that does not exist yet is seen when the first run creates it.
    const pattern = new vscode.RelativePattern(
      vscode.Uri.file(path.dirname(root)),
      `${path.basename(root)}/**`,
    );
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    const on = (uri: vscode.Uri) => {
      const rel = relativeTo(root, uri.fsPath);
      if (rel === undefined) return;
      // Temp files of atomic writes come and go; their rename shows the real file.
      if (/\.tmp[^/\\]*$/.test(rel)) return;
      this.pending.add(rel);
      this.debouncer.trigger();
    };
    w.onDidCreate(on);
    w.onDidChange(on);
    w.onDidDelete(on);
    this.watcher = w;
  }

  dispose(): void {
    this.watcher?.dispose();
    this.debouncer.dispose();
  }
}

function isFlowArgs(a: unknown): a is FlowCommandArgs {
  const x = a as FlowCommandArgs;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.uri === 'string' &&
    typeof x.file === 'string' &&
    typeof x.flow === 'string'
  );
}

export function activate(context: vscode.ExtensionContext): TsflowApi {
  const started = performance.now();
  const paths = new ExtensionPaths(context.extensionUri.fsPath);
  const output = vscode.window.createOutputChannel('tsflow', { log: true });
  const lsp = new FlowLanguageClient(paths.server, output);
  const datastoreRoot = (): string | undefined => {
    const folder = defaultFolder();
    return folder ? explorerRoot(folder) : undefined;
  };
  /** Only a local datastore is watched; an S3 one refreshes from runs launched here and on demand. */
  const watchedRoot = (): string | undefined => {
    const r = datastoreRoot();
    return r && !r.startsWith('s3://') ? r : undefined;
  };
  const data = new RunsDataService({ root: datastoreRoot });
  const tree = new RunsTreeProvider(data);
  const treeView = vscode.window.createTreeView('tsflow.runs', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  tree.view = treeView;
  const runner = new FlowRunner(paths, data, lsp);
  const dag = new DagPanels(lsp, data, paths.webviews, context.workspaceState);
  const artifacts = new ArtifactPanels(data, paths.webviews);
  const steps = new StepStatusLenses(lsp, data);
  const logs = new LogDocuments(data);
  const watcher = new DatastoreWatcher((rel) => {
    void tree.refreshPaths(rel);
    dag.datastoreChanged();
    runner.datastoreChanged();
    steps.invalidate();
  });
  watcher.watch(watchedRoot());

  const flowFile = async (node: Node): Promise<string | undefined> => {
    if (node.kind === 'run') return node.file;
    if (node.kind === 'flow' || node.kind === 'more') return undefined;
    const [flow, runId] = node.pathspec.split('/') as [string, string];
    return (
      (tree.node(`run:${flow}/${runId}`) as { file?: string } | undefined)?.file ??
      (await data.run(flow, runId)).file
    );
  };
  const argsOf = (flow: string, file: string): FlowCommandArgs => ({
    uri: vscode.Uri.file(file).toString(),
    file,
    flow,
  });
  /** The flow of the active editor, for commands run from the palette. */
  const activeFlowArgs = async (): Promise<FlowCommandArgs | undefined> => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) return undefined;
    const g = await lsp.graph(doc.uri).catch(() => undefined);
    const flows = g?.flows ?? [];
    if (flows.length === 0) {
      void vscode.window.showInformationMessage(
        'tsflow: the active file defines no flow (a class that extends FlowSpec).',
      );
      return undefined;
    }
    const name =
      flows.length === 1
        ? flows[0]!.name
        : await vscode.window.showQuickPick(
            flows.map((f) => f.name),
            { title: 'Which flow?' },
          );
    return name ? { uri: doc.uri.toString(), file: doc.uri.fsPath, flow: name } : undefined;
  };
  const withArgs =
    (fn: (a: FlowCommandArgs) => unknown) =>
    async (a?: unknown): Promise<unknown> => {
      const args = isFlowArgs(a) ? a : await activeFlowArgs();
      return args ? fn(args) : undefined;
    };
  const stepTaskPathspec = async (flow: string, runId: string, step: string): Promise<string | undefined> => {
    const tasks = await data.tasks(flow, runId, step);
    if (tasks.length <= 1) return tasks[0]?.pathspec;
    const pick = await vscode.window.showQuickPick(
      tasks.map((t) => ({
        label: `task ${t.id}${t.index !== undefined ? ` [${t.index}]` : ''}`,
        description: t.status,
        pathspec: t.pathspec,
      })),
      { title: `${flow}/${runId}/${step}: which task?` },
    );
    return pick?.pathspec;
  };
  const cliQuiet = (args: string[], cwd: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const node = nodeBinary(settings());
      execFile(
        node.path,
        [paths.cli, ...args],
        { cwd, env: { ...process.env, ...node.env, NO_COLOR: '1' }, shell: false },
        (err, stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout)),
      );
    });

  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));

  reg(
    'tsflow.runFlow',
    withArgs((a) => runner.runFlow(a)),
  );
  reg(
    'tsflow.resumeFlow',
    withArgs((a) => runner.resumeFlow(a)),
  );
  reg(
    'tsflow.showDag',
    withArgs((a) => dag.show(a)),
  );
  reg('tsflow.showMoreRuns', (flow?: string) => {
    if (typeof flow === 'string') tree.showMore(flow);
  });
  reg('tsflow.refreshRuns', () => {
    watcher.watch(watchedRoot());
    tree.refresh();
    steps.invalidate();
  });
  reg('tsflow.filterByTag', async (node?: Node) => {
    if (node?.kind !== 'flow') return;
    const tag = await vscode.window.showInputBox({
      title: `${node.name}: show only runs with tag`,
      value: data.tagFilters.get(node.name) ?? '',
      placeHolder: 'a tag (user or system, e.g. user:ada); empty shows every run',
    });
    if (tag === undefined) return;
    if (tag.trim()) data.tagFilters.set(node.name, tag.trim());
    else data.tagFilters.delete(node.name);
    tree.refresh();
  });
  reg('tsflow.clearTagFilter', (node?: Node) => {
    if (node?.kind !== 'flow') return;
    data.tagFilters.delete(node.name);
    tree.refresh();
  });
  reg('tsflow.tree.resume', async (node?: Node) => {
    if (!node || (node.kind !== 'run' && node.kind !== 'step')) return;
    const file = await flowFile(node);
    if (!file) return;
    const runId = node.kind === 'run' ? node.id : node.runId;
    return runner.resumeFlow(argsOf(node.flow, file), runId, node.kind === 'step' ? node.name : undefined);
  });
  const spin = (debug: boolean) => async (node?: Node) => {
    if (node?.kind !== 'task') return;
    const file = await flowFile(node);
    if (file) return runner.spinTask(node.pathspec, file, debug);
  };
  reg('tsflow.tree.spin', spin(false));
  reg('tsflow.tree.debugTask', spin(true));
  reg('tsflow.debugStep', async (a?: DebugStepArgs) => {
    if (!a || !requireTrust()) return;
    const pathspec = await stepTaskPathspec(a.flow, a.runId, a.step);
    if (pathspec) return runner.spinTask(pathspec, a.file, true);
  });
  reg('tsflow.showLogs', async (target?: Node | string) => {
    const pathspec =
      typeof target === 'string'
        ? target
        : target && (target.kind === 'run' || target.kind === 'step' || target.kind === 'task')
          ? target.pathspec
          : undefined;
    if (!pathspec) return;
    const doc = await vscode.workspace.openTextDocument(LogDocuments.uri(pathspec));
    await vscode.languages.setTextDocumentLanguage(doc, 'tsflow-log');
    await vscode.window.showTextDocument(doc, { preview: true });
  });
  reg('tsflow.tree.openDag', async (node?: Node) => {
    if (!node || (node.kind !== 'run' && node.kind !== 'step' && node.kind !== 'task')) return;
    const file = await flowFile(node);
    if (!file) return;
    const runId = node.kind === 'run' ? node.id : node.runId;
    return dag.show(argsOf(node.flow, file), `${node.flow}/${runId}`);
  });
  reg('tsflow.tree.copyPathspec', async (node?: Node) => {
    if (!node || node.kind === 'more') return;
    const text = node.kind === 'flow' ? node.name : node.pathspec;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
  });
  reg('tsflow.tree.deleteRun', async (node?: Node) => {
    if (node?.kind !== 'run') return;
    const ok = await vscode.window.showWarningMessage(
      `Delete run ${node.pathspec}? Its records and logs are removed (blobs other runs share stay; tsflow gc reclaims the rest).`,
      { modal: true },
      'Delete',
    );
    if (ok !== 'Delete') return;
    const folder = defaultFolder() ?? path.dirname(node.file);
    try {
      await cliQuiet(['delete', node.pathspec, ...datastoreArgs(folder)], folder);
    } catch (e) {
      void vscode.window.showErrorMessage(`tsflow: cannot delete ${node.pathspec}: ${(e as Error).message}`);
    }
    tree.refresh();
  });
  reg('tsflow.openArtifact', (target?: Node | string) => {
    const pathspec =
      typeof target === 'string' ? target : target?.kind === 'artifact' ? target.pathspec : undefined;
    if (pathspec) return artifacts.show(pathspec);
  });
  reg('tsflow.revealRun', async (flow?: string, runId?: string) => {
    if (!flow || !runId) return;
    await vscode.commands.executeCommand('tsflow.runs.focus');
    const node = await tree.runNode(flow, runId);
    if (node) await treeView.reveal(node, { select: true, focus: false, expand: true });
  });

  context.subscriptions.push(
    output,
    tree,
    treeView,
    runner,
    dag,
    artifacts,
    steps,
    watcher,
    { dispose: () => void lsp.dispose() },
    vscode.workspace.registerTextDocumentContentProvider(LogDocuments.scheme, logs),
    vscode.languages.registerCodeLensProvider({ language: 'typescript', scheme: 'file' }, steps),
    runner.onRunStarted((r) => {
      watcher.watch(watchedRoot());
      dag.runStarted(r.flow, r.runId);
      void tree.refreshPaths([`${r.flow}/${r.runId}`]);
    }),
    runner.onProgress((p) => {
      dag.progress(p);
      steps.progress(p);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tsflow')) {
        watcher.watch(watchedRoot());
        tree.refresh();
        steps.invalidate();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
  );

  // The language server starts in the background: activation does not wait for it.
  void lsp
    .start()
    .catch((e) => output.info(`tsflow: the language server did not start: ${(e as Error).message}`));

  const activationMs = performance.now() - started;
  output.info(
    `tsflow activated in ${activationMs.toFixed(1)} ms (runtime: ${paths.cli}; node: ${nodeBinary().path})`,
  );
  return {
    activationMs,
    data,
    tree,
    treeView,
    dag,
    runner,
    lsp,
    steps,
    datastoreRoot,
  };
}

export function deactivate(): void {}

// The runs explorer: Flow → Run → Step → Task → Artifact, read through RunsDataService. The tree
// keeps one node object per pathspec so a change under one run refreshes that run's subtree only
// (VS Code matches refreshed elements by identity); datastore events are batched by the caller.

import path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, formatDuration, statusIcon } from '../format.js';
import { RUNS_PAGE, type RunsDataService, type RunsNode } from './data.js';

/** A node of the tree: the data model plus the key it is cached under. */
export type Node = RunsNode & { key: string };

function icon(status: string): vscode.ThemeIcon {
  const i = statusIcon(status);
  return new vscode.ThemeIcon(i.id, i.color ? new vscode.ThemeColor(i.color) : undefined);
}

function md(lines: string[]): vscode.MarkdownString {
  const m = new vscode.MarkdownString(undefined, true);
  // Values come from the datastore: plain text only, no command links, no HTML.
  m.isTrusted = false;
  m.supportHtml = false;
  for (const l of lines) m.appendText(`${l}\n`).appendMarkdown('\n');
  return m;
}

export function treeItemOf(n: Node, tagFilter?: string): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  switch (n.kind) {
    case 'flow': {
      const item = new vscode.TreeItem(n.name, C.Collapsed);
      item.id = n.key;
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.contextValue = tagFilter ? 'tsflow.flow.filtered' : 'tsflow.flow';
      if (tagFilter) item.description = `tag: ${tagFilter}`;
      return item;
    }
    case 'run': {
      const item = new vscode.TreeItem(n.id, C.Collapsed);
      item.id = n.key;
      item.iconPath = icon(n.status);
      const tags = n.tags.map((t) => `#${t}`).join(' ');
      const spin = n.systemTags.includes('spin') ? 'spin · ' : '';
      const origin = n.originRunId ? `resumed from ${n.originRunId} · ` : '';
      item.description = `${spin}${origin}${n.status} · ${formatDuration(n.durationMs)}${tags ? ` · ${tags}` : ''}`;
      item.tooltip = md([
        `${n.pathspec}: ${n.status}`,
        `started ${new Date(n.createdAt).toLocaleString()}, ${formatDuration(n.durationMs)}`,
        ...(n.tags.length > 0 ? [`tags: ${n.tags.join(', ')}`] : []),
        ...(n.error ? [`error: ${n.error}`] : []),
        `file: ${n.file}`,
      ]);
      item.contextValue = n.status === 'running' ? 'tsflow.run.running' : 'tsflow.run';
      return item;
    }
    case 'step': {
      const item = new vscode.TreeItem(n.name, C.Collapsed);
      item.id = n.key;
      item.iconPath = icon(n.status);
      const c = n.counts;
      const failed = c.failed > 0 ? `, ${c.failed} failed` : '';
      item.description = `${c.done}/${c.total} tasks${failed}${n.durationMs !== undefined ? ` · ${formatDuration(n.durationMs)}` : ''}`;
      item.tooltip = md([`${n.pathspec}: ${n.status}`, ...(n.error ? [n.error] : [])]);
      item.contextValue = 'tsflow.step';
      return item;
    }
    case 'task': {
      const label = n.index !== undefined ? `task ${n.id} [${n.index}]` : `task ${n.id}`;
      const item = new vscode.TreeItem(label, C.Collapsed);
      item.id = n.key;
      item.iconPath = icon(n.status);
      const attempt = n.attempts > 1 ? `attempt ${(n.attempt ?? 0) + 1} of ${n.attempts} · ` : '';
      const cloned = n.originPathspec ? 'cloned · ' : '';
      item.description = `${cloned}${attempt}${formatDuration(n.durationMs)}`;
      item.tooltip = md([`${n.pathspec}: ${n.status}`, ...(n.error ? [n.error] : [])]);
      item.contextValue = 'tsflow.task';
      return item;
    }
    case 'more': {
      const left = n.total - n.shown;
      const item = new vscode.TreeItem(`Show ${Math.min(RUNS_PAGE, left)} more…`, C.None);
      item.id = n.key;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.description = `${left} older run${left === 1 ? '' : 's'}`;
      item.contextValue = 'tsflow.more';
      item.command = { title: 'Show more runs', command: 'tsflow.showMoreRuns', arguments: [n.flow] };
      return item;
    }
    case 'artifact': {
      const item = new vscode.TreeItem(n.name, C.None);
      item.id = n.key;
      item.iconPath = new vscode.ThemeIcon('symbol-variable');
      item.description = `${n.type} · ${formatBytes(n.size)}`;
      item.tooltip = md([n.pathspec, `${n.type}, ${formatBytes(n.size)} serialized`]);
      item.contextValue = 'tsflow.artifact';
      item.command = { title: 'Open artifact', command: 'tsflow.openArtifact', arguments: [n] };
      return item;
    }
  }
}

export class RunsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  /** One object per key, so refreshes of an element reach the element VS Code holds. */
  private readonly nodes = new Map<string, Node>();
  private readonly parents = new Map<string, string>();
  private emptyMessage: string | undefined;
  view: vscode.TreeView<Node> | undefined;

  constructor(private readonly data: RunsDataService) {}

  private intern<T extends RunsNode>(key: string, parent: string | undefined, model: T): Node {
    const existing = this.nodes.get(key);
    if (existing) {
      // Same object, fresh contents.
      for (const k of Object.keys(existing)) delete (existing as unknown as Record<string, unknown>)[k];
      Object.assign(existing, model, { key });
      return existing;
    }
    const node = { ...model, key } as Node;
    this.nodes.set(key, node);
    if (parent) this.parents.set(key, parent);
    return node;
  }

  getTreeItem(n: Node): vscode.TreeItem {
    return treeItemOf(n, n.kind === 'flow' ? this.data.tagFilters.get(n.name) : undefined);
  }

  getParent(n: Node): Node | undefined {
    const p = this.parents.get(n.key);
    return p ? this.nodes.get(p) : undefined;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    try {
      if (!n) {
        const flows = await this.data.flows();
        this.setMessage(
          flows.length === 0
            ? `No runs yet in ${this.data.root ?? 'the datastore'}. Run a flow with ▶ Run flow above its class.`
            : undefined,
        );
        return flows.map((f) => this.intern(`flow:${f.name}`, undefined, f));
      }
      switch (n.kind) {
        case 'flow': {
          const page = await this.data.runsPage(n.name);
          const nodes = page.runs.map((r) => this.intern(`run:${r.pathspec}`, n.key, r));
          if (page.total > page.runs.length) {
            const more = { kind: 'more' as const, flow: n.name, shown: page.runs.length, total: page.total };
            nodes.push(this.intern(`more:${n.name}`, n.key, more));
          }
          return nodes;
        }
        case 'run':
          return (await this.data.steps(n.flow, n.id)).map((s) =>
            this.intern(`step:${s.pathspec}`, n.key, s),
          );
        case 'step':
          return (await this.data.tasks(n.flow, n.runId, n.name)).map((t) =>
            this.intern(`task:${t.pathspec}`, n.key, t),
          );
        case 'task':
          return (await this.data.artifacts(n.pathspec)).map((a) =>
            this.intern(`artifact:${a.pathspec}`, n.key, a),
          );
        default:
          return [];
      }
    } catch (e) {
      if (!n) this.setMessage(`Cannot read the datastore: ${(e as Error).message}`);
      return [];
    }
  }

  private setMessage(m: string | undefined): void {
    if (m === this.emptyMessage) return;
    this.emptyMessage = m;
    if (this.view) this.view.message = m;
  }

  /** Lists more runs of a flow. */
  showMore(flow: string): void {
    this.data.runLimits.set(flow, (this.data.runLimits.get(flow) ?? RUNS_PAGE) + RUNS_PAGE);
    this.changeEmitter.fire(this.nodes.get(`flow:${flow}`));
  }

  /** Refreshes everything. */
  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /**
   * Refreshes what changed under these datastore paths (relative to the root: `Flow/run/...`):
   * the run node when it is known, else the flow node, else the whole tree.
   */
  async refreshPaths(relPaths: Iterable<string>): Promise<void> {
    const targets = new Set<Node | undefined>();
    for (const rel of relPaths) {
      const [flow, run] = rel.split(/[\\/]/);
      if (!flow || flow.startsWith('.')) continue;
      const flowNode = this.nodes.get(`flow:${flow}`);
      if (!flowNode) {
        targets.add(undefined);
        continue;
      }
      // The flow's blobs (`data/`) change with every task; they show nowhere.
      if (!run || run === 'data') continue;
      this.data.invalidate(flow, run);
      const runNode = this.nodes.get(`run:${flow}/${run}`);
      // A new run appears under its flow; a known run is re-read on its own.
      targets.add(runNode ?? flowNode);
    }
    if (targets.has(undefined)) {
      this.changeEmitter.fire(undefined);
      return;
    }
    await Promise.all(
      [...targets].map(async (t) => {
        if (t?.kind !== 'run') return;
        try {
          this.intern(t.key, undefined, await this.data.run(t.flow, t.id));
        } catch {
          // Deleted: its flow re-lists.
          const f = this.nodes.get(`flow:${t.flow}`);
          if (f) targets.add(f);
        }
      }),
    );
    for (const t of targets) this.changeEmitter.fire(t);
  }

  /** The run node of `Flow/run`, loading its flow's runs if needed (for reveal). */
  async runNode(flow: string, runId: string): Promise<Node | undefined> {
    const key = `run:${flow}/${runId}`;
    if (!this.nodes.has(key)) {
      await this.getChildren();
      const f = this.nodes.get(`flow:${flow}`);
      if (f) await this.getChildren(f);
    }
    return this.nodes.get(key);
  }

  node(key: string): Node | undefined {
    return this.nodes.get(key);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

/** Path of `file` relative to `root`, or undefined when it is not inside. */
export function relativeTo(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : undefined;
}

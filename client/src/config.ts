// Settings (`tsflow.*`) and where things are: the bundled runtime, the Node binary, the datastore.
// Zero configuration works: the runtime is the one inside the extension, Node is the one running
// the extension host (or `node` on PATH under Electron), the datastore is the nearest `.tsflow`.

import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { resolveDatastoreRoot } from '../../runtime/src/datastore/root.js';

export interface Settings {
  datastoreType: 'local' | 's3';
  /** Local root as configured (may be relative to the workspace folder); '' = default. */
  datastoreRoot: string;
  /** `s3://bucket/prefix` for the S3 datastore. */
  s3Root: string;
  /** 0 = the runtime's default (one per core). */
  maxWorkers: number;
  nodePath: string;
}

export function settings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('tsflow', scope);
  const type = c.get<string>('datastore.type', 'local');
  return {
    datastoreType: type === 's3' ? 's3' : 'local',
    datastoreRoot: c.get<string>('datastore.root', '') ?? '',
    s3Root: c.get<string>('datastore.s3Root', '') ?? '',
    maxWorkers: Math.max(0, Math.floor(c.get<number>('maxWorkers', 0) ?? 0)),
    nodePath: c.get<string>('nodePath', '') ?? '',
  };
}

/** The folder runs of `file` start in (their working directory): its workspace folder, else its own folder. */
export function runFolder(file: string): string {
  const ws = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  return ws?.uri.fsPath ?? path.dirname(file);
}

/** The folder the runs explorer reads from when no file is involved. */
export function defaultFolder(): string | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  const ws =
    (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  return ws?.uri.fsPath;
}

/** The local datastore root for runs started from `folder` (absolute). */
export function localRoot(folder: string, s = settings(vscode.Uri.file(folder))): string {
  return resolveDatastoreRoot({ root: s.datastoreRoot || undefined, cwd: folder });
}

/** The datastore the explorer reads: the local root, or the S3 root (`s3://bucket/prefix`) when set. */
export function explorerRoot(folder: string): string | undefined {
  const s = settings(vscode.Uri.file(folder));
  if (s.datastoreType === 's3') return s.s3Root || undefined;
  return localRoot(folder, s);
}

/** `--datastore ...` arguments for the CLI, so runs and the explorer always agree on the root. */
export function datastoreArgs(folder: string): string[] {
  const s = settings(vscode.Uri.file(folder));
  if (s.datastoreType === 's3')
    return ['--datastore', 's3', ...(s.s3Root ? ['--datastore-root', s.s3Root] : [])];
  return ['--datastore-root', localRoot(folder, s)];
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {}
  }
  return undefined;
}

export interface NodeBinary {
  path: string;
  env: Record<string, string>;
}

/** The Node binary runs use: the setting, else the extension host's own Node, else `node` on PATH. */
export function nodeBinary(s = settings()): NodeBinary {
  if (s.nodePath) return { path: s.nodePath, env: {} };
  // Under Electron (desktop VS Code) execPath is the editor itself: prefer a real `node`, else
  // run Electron as Node.
  if (!process.versions.electron) return { path: process.execPath, env: {} };
  const node = onPath(process.platform === 'win32' ? 'node.exe' : 'node');
  return node ? { path: node, env: {} } : { path: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** Where the extension's files are. */
export class ExtensionPaths {
  constructor(readonly root: string) {}
  /** The bundled runtime's CLI (the `tsflow` command). */
  get cli(): string {
    return path.join(this.root, 'out', 'runtime', 'bin', 'tsflow.js');
  }
  get server(): string {
    return path.join(this.root, 'out', 'server.mjs');
  }
  get webviews(): string {
    return path.join(this.root, 'out', 'webviews');
  }
}

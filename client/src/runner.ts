// Launching runs: `tsflow run` / `resume` / `spin` through the runtime bundled with the extension,
// each in a terminal of its own (a pseudoterminal over a process spawned WITHOUT a shell: argv
// entries are never parsed by anything but the runtime), with live coloured output and a status
// bar item that follows the run through the datastore until it ends. Nothing runs in an
// untrusted workspace.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { FlowGraph } from '../../runtime/src/graph/types.js';
import type { FlowCommandArgs } from '../../server/src/protocol.js';
import { colorize, toTerminal } from './ansi.js';
import { datastoreArgs, type ExtensionPaths, nodeBinary, runFolder, settings } from './config.js';
import { Debouncer } from './debounce.js';
import { progressText } from './format.js';
import type { FlowLanguageClient } from './lsp.js';
import { initialValue, paramArgs, validateParam } from './params.js';
import type { RunProgress, RunsDataService } from './runs/data.js';

/** A terminal whose process is spawned directly (no shell); Ctrl-C interrupts it. */
export class ProcessPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | undefined>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private child: ChildProcess | undefined;
  private exited = false;
  /** The last 20,000 characters of output (plain, for messages and tests). */
  output = '';
  private readonly exitEmitter = new vscode.EventEmitter<number>();
  /** The process's exit code (1 when killed by a signal). */
  readonly onExit = this.exitEmitter.event;

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly options: { cwd: string; env: Record<string, string> },
    private readonly banner: string,
  ) {}

  open(): void {
    this.writeEmitter.fire(`\x1b[2m${toTerminal(this.banner)}\x1b[0m\r\n`);
    const child = spawn(this.command, this.args, {
      cwd: this.options.cwd,
      env: { ...process.env, ...this.options.env },
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of ['stdout', 'stderr'] as const) {
      let rest = '';
      child[stream]!.setEncoding('utf8');
      child[stream]!.on('data', (chunk: string) => {
        this.output = (this.output + chunk).slice(-20_000);
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        if (lines.length > 0) this.writeEmitter.fire(lines.map((l) => `${colorize(l, stream)}\r\n`).join(''));
      });
      child[stream]!.on('end', () => {
        if (rest) this.writeEmitter.fire(`${colorize(rest, stream)}\r\n`);
      });
    }
    child.on('error', (err) => {
      this.writeEmitter.fire(`\x1b[31mcannot start ${this.command}: ${err.message}\x1b[0m\r\n`);
      this.finish(127);
    });
    child.on('close', (code, signal) => this.finish(code ?? (signal ? 1 : 0)));
  }

  private finish(code: number): void {
    if (this.exited) return;
    this.exited = true;
    const colour = code === 0 ? '32' : '31';
    this.writeEmitter.fire(
      `\r\n\x1b[${colour}m[process exited with code ${code}]\x1b[0m \x1b[2m(press any key to close)\x1b[0m\r\n`,
    );
    this.exitEmitter.fire(code);
  }

  handleInput(data: string): void {
    if (this.exited) {
      this.closeEmitter.fire(undefined);
      return;
    }
    if (data === '\x03') this.child?.kill('SIGINT');
  }

  close(): void {
    if (!this.exited) this.child?.kill('SIGINT');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    'tsflow runs nothing in an untrusted workspace: running a flow executes its code. Trust the workspace to run flows.',
  );
  return false;
}

export interface LaunchedRun {
  flow: string;
  /** Resolves to the run id once the runtime has written it (undefined if it never did). */
  runId: Promise<string | undefined>;
  exit: Promise<number>;
  terminal: vscode.Terminal;
  /** The process's output so far (plain text, last 20,000 characters). */
  output(): string;
}

/** Follows one run in the status bar: steps and tasks done, running and failed, until it ends. */
class RunTracker implements vscode.Disposable {
  private readonly debounced: Debouncer;
  private timer: ReturnType<typeof setInterval> | undefined;
  private done = false;
  last: RunProgress | undefined;

  constructor(
    private readonly data: RunsDataService,
    private readonly item: vscode.StatusBarItem,
    readonly flow: string,
    readonly runId: string,
    private readonly onProgress: (p: RunProgress) => void,
  ) {
    this.debounced = new Debouncer(() => void this.refresh(), 150, 500);
    // The watcher drives refreshes; a slow poll covers datastores it can't watch.
    this.timer = setInterval(() => this.debounced.trigger(), 1000);
    this.debounced.trigger();
  }

  changed(): void {
    this.debounced.trigger();
  }

  async refresh(): Promise<void> {
    try {
      const p = await this.data.progress(this.flow, this.runId);
      this.last = p;
      this.item.text = progressText(p);
      this.item.tooltip = `${p.pathspec}: ${p.status}${p.run.error ? `\n${p.run.error}` : ''}\nClick to show the run.`;
      this.item.command = {
        title: 'Show run',
        command: 'tsflow.revealRun',
        arguments: [p.run.flow, p.run.id],
      };
      this.item.backgroundColor =
        p.status === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      this.item.show();
      this.onProgress(p);
    } catch {
      // The run's records may not be there yet.
    }
  }

  /** The process ended: one last refresh, then stop polling. */
  async finish(): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearInterval(this.timer);
    this.debounced.dispose();
    await this.refresh();
  }

  dispose(): void {
    this.done = true;
    if (this.timer) clearInterval(this.timer);
    this.debounced.dispose();
  }
}

export class FlowRunner implements vscode.Disposable {
  private readonly status: vscode.StatusBarItem;
  private readonly trackers = new Set<RunTracker>();
  private readonly progressEmitter = new vscode.EventEmitter<RunProgress>();
  /** Progress of runs launched here (live). */
  readonly onProgress = this.progressEmitter.event;
  private readonly startEmitter = new vscode.EventEmitter<{ flow: string; runId: string; file: string }>();
  /** A run launched here has its id. */
  readonly onRunStarted = this.startEmitter.event;

  constructor(
    private readonly paths: ExtensionPaths,
    private readonly data: RunsDataService,
    private readonly lsp: FlowLanguageClient,
  ) {
    this.status = vscode.window.createStatusBarItem('tsflow.run', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'tsflow run';
  }

  /** The datastore changed: live trackers refresh (debounced). */
  datastoreChanged(): void {
    for (const t of this.trackers) t.changed();
  }

  /** Launches `tsflow <args>` for `file` in a terminal. */
  launch(title: string, file: string, cliArgs: string[], flow: string): LaunchedRun {
    const folder = runFolder(file);
    const node = nodeBinary(settings(vscode.Uri.file(file)));
    const idFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-run-')), 'run-id');
    // `spin` prints its run; `run` and `resume` write the new run id where the tracker finds it.
    const tracked = cliArgs[0] === 'run' || cliArgs[0] === 'resume';
    const args = [this.paths.cli, ...cliArgs, ...(tracked ? ['--run-id-file', idFile] : [])];
    const pty = new ProcessPty(
      node.path,
      args,
      { cwd: folder, env: { ...node.env, NO_COLOR: '1' } },
      `${title}\n`,
    );
    const terminal = vscode.window.createTerminal({
      name: `tsflow: ${flow}`,
      pty,
      iconPath: new vscode.ThemeIcon('play'),
    });
    terminal.show(true);
    const exit = new Promise<number>((resolve) => pty.onExit(resolve));
    let exited = false;
    void exit.then(() => {
      exited = true;
    });
    const runId = (async () => {
      for (;;) {
        try {
          const id = fs.readFileSync(idFile, 'utf8').trim();
          if (id) return id;
        } catch {}
        if (exited || !tracked) return undefined;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    void runId.then((id) => {
      if (!id) return;
      this.startEmitter.fire({ flow, runId: id, file });
      for (const t of this.trackers) t.dispose();
      this.trackers.clear();
      const tracker = new RunTracker(this.data, this.status, flow, id, (p) => this.progressEmitter.fire(p));
      this.trackers.add(tracker);
      void exit.then(async () => {
        await tracker.finish();
        this.trackers.delete(tracker);
        fs.rmSync(path.dirname(idFile), { recursive: true, force: true });
      });
    });
    void runId.then((id) => {
      if (!id) fs.rmSync(path.dirname(idFile), { recursive: true, force: true });
    });
    return { flow, runId, exit, terminal, output: () => pty.output };
  }

  private async flowGraph(args: FlowCommandArgs): Promise<FlowGraph | undefined> {
    try {
      const res = await this.lsp.graph(vscode.Uri.parse(args.uri));
      return res.flows.find((f) => f.name === args.flow);
    } catch {
      return undefined;
    }
  }

  private async saveFirst(uri: string): Promise<boolean> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (doc?.isUntitled) {
      void vscode.window.showErrorMessage('tsflow: save the flow to a file before running it.');
      return false;
    }
    if (doc?.isDirty) return doc.save();
    return true;
  }

  private commonArgs(file: string): string[] {
    const s = settings(vscode.Uri.file(file));
    return [
      ...datastoreArgs(runFolder(file)),
      ...(s.maxWorkers > 0 ? ['--max-workers', String(s.maxWorkers)] : []),
    ];
  }

  /** `▶ Run flow`: asks for the parameters (defaults filled in, validated), then runs. */
  async runFlow(args: FlowCommandArgs): Promise<LaunchedRun | undefined> {
    if (!requireTrust() || !(await this.saveFirst(args.uri))) return undefined;
    const graph = await this.flowGraph(args);
    const values = new Map<string, string>();
    const params = graph?.parameters ?? [];
    for (const [i, p] of params.entries()) {
      const v = await vscode.window.showInputBox({
        title: `Run ${args.flow}: parameter ${i + 1} of ${params.length}`,
        prompt: `--${p.name}${p.type ? ` (${p.type})` : ''}${p.help ? `: ${p.help}` : ''}${p.required ? ' (required)' : ''}`,
        value: initialValue(p),
        placeHolder: p.defaultText ? `default: ${p.defaultText}` : undefined,
        ignoreFocusOut: true,
        validateInput: (text) => validateParam(p, text),
      });
      if (v === undefined) return undefined;
      values.set(p.name, v);
    }
    const cli = [
      'run',
      args.file,
      '--flow',
      args.flow,
      ...this.commonArgs(args.file),
      ...paramArgs(params, values),
    ];
    return this.launch(`tsflow run ${args.flow}`, args.file, cli, args.flow);
  }

  /** `Resume`: pick the origin run (latest first) and the step to resume from. */
  async resumeFlow(
    args: FlowCommandArgs,
    originRunId?: string,
    fromStep?: string,
  ): Promise<LaunchedRun | undefined> {
    if (!requireTrust() || !(await this.saveFirst(args.uri))) return undefined;
    let origin = originRunId;
    if (!origin) {
      const runs = await this.data.runs(args.flow, '').catch(() => []);
      if (runs.length === 0) {
        void vscode.window.showInformationMessage(`tsflow: ${args.flow} has no runs to resume yet.`);
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        runs.slice(0, 200).map((r, i) => ({
          label: `${r.status === 'succeeded' ? '$(pass)' : r.status === 'failed' ? '$(error)' : '$(sync)'} ${r.id}`,
          description: `${r.status} · ${new Date(r.createdAt).toLocaleString()}${i === 0 ? ' · latest' : ''}`,
          detail: r.error,
          id: r.id,
        })),
        { title: `Resume ${args.flow}: origin run`, placeHolder: 'The run to resume (latest first)' },
      );
      if (!pick) return undefined;
      origin = pick.id;
    }
    let step = fromStep;
    if (step === undefined) {
      const graph = await this.flowGraph(args);
      const auto = { label: '$(debug-restart) From the first step that did not succeed', step: '' };
      const pick = await vscode.window.showQuickPick(
        [auto, ...(graph?.steps ?? []).map((s) => ({ label: s.name, description: s.kind, step: s.name }))],
        { title: `Resume ${args.flow} from run ${origin}: step`, placeHolder: 'Re-run from this step on' },
      );
      if (!pick) return undefined;
      step = pick.step;
    }
    const cli = [
      'resume',
      args.file,
      ...(step ? [step] : []),
      '--origin-run-id',
      origin,
      '--flow',
      args.flow,
      ...this.commonArgs(args.file),
    ];
    return this.launch(`tsflow resume ${args.flow} (origin run ${origin})`, args.file, cli, args.flow);
  }

  /**
   * `tsflow spin` of one task of a past run with its original inputs; with `debug`, the task
   * process waits for the debugger (`--inspect`) and VS Code attaches, so breakpoints in the
   * step's TypeScript source hit (the flow bundle carries an inline source map).
   */
  async spinTask(taskPathspec: string, file: string, debug: boolean): Promise<LaunchedRun | undefined> {
    if (!requireTrust()) return undefined;
    const flow = taskPathspec.split('/')[0]!;
    const port = debug ? await freePort() : 0;
    const cli = [
      'spin',
      taskPathspec,
      ...(fs.existsSync(file) ? ['--file', file] : []),
      ...datastoreArgs(runFolder(file)),
      ...(debug ? ['--inspect', `127.0.0.1:${port}`] : []),
    ];
    const launched = this.launch(`tsflow spin ${taskPathspec}${debug ? ' (debug)' : ''}`, file, cli, flow);
    if (debug) {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
      await vscode.debug.startDebugging(folder, {
        type: 'node',
        request: 'attach',
        name: `tsflow: debug ${taskPathspec}`,
        address: '127.0.0.1',
        port,
        timeout: 60_000,
        // The task process waits (`--inspect-wait`) until the debugger says go.
        continueOnAttach: true,
        sourceMaps: true,
        // The flow's bundle is imported after the attach; its inline source map must be read before
        // it runs, or breakpoints in the TypeScript source are bound too late.
        pauseForSourceMap: true,
        resolveSourceMapLocations: null,
        skipFiles: ['<node_internals>/**'],
      });
    }
    return launched;
  }

  dispose(): void {
    for (const t of this.trackers) t.dispose();
    this.status.dispose();
    this.progressEmitter.dispose();
    this.startEmitter.dispose();
  }
}

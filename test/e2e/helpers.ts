// Runs tsflow the way a user does: the built CLI (`runtime/bin/tsflow.js`) or `tsx <flow> run`,
// as separate processes, each test with its own datastore folder.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO, 'runtime/bin/tsflow.js');
export const TSX = path.join(REPO, 'node_modules/.bin/tsx');
export const flowFile = (name: string) => path.join(REPO, 'test/flows', name);
export const example = (name: string) => path.join(REPO, 'examples', name);

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'tsflow-e2e-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface RunOpts {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Datastore root; every run in a test uses its own unless shared on purpose. */
  root?: string;
  timeoutMs?: number;
}

export function start(
  cmd: string,
  args: string[],
  opts: RunOpts = {},
): { child: ChildProcess; done: Promise<Result> } {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, NO_COLOR: '1' };
  if (opts.root) env.TSFLOW_DATASTORE_ROOT = opts.root;
  const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  const done = new Promise<Result>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** `tsflow <args>` through the built bin. */
export function tsflow(args: string[], opts: RunOpts = {}): Promise<Result> {
  return start(process.execPath, [BIN, ...args], opts).done;
}

/** `tsx <file> <args>`: the flow file's `main()` footer runs the CLI. */
export function tsxRun(file: string, args: string[], opts: RunOpts = {}): Promise<Result> {
  return start(TSX, [file, ...args], opts).done;
}

/** The run id printed by `tsflow run` ("Workflow starting (run-id N)"). */
export function runIdOf(r: Result): string {
  const m = /run-id (\S+?)\)/.exec(r.stdout);
  if (!m?.[1]) throw new Error(`no run id in output:\n${r.stdout}\n${r.stderr}`);
  return m[1];
}

export function show(r: Result): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

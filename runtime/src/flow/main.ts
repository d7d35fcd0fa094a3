// `main(PetsFlow)` at the end of a flow file makes `npx tsx petsflow.ts run` work like
// `python petsflow.py run`. When tsflow itself imports the file (to run a task or read
// parameters) it only registers the class, which is also how a flow class that is not exported
// is found.

import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import type { FlowSpec } from './spec.js';
import { LOADING, REGISTRY } from './symbols.js';

type FlowClass = new () => FlowSpec;
type Global = typeof globalThis & { [LOADING]?: boolean; [REGISTRY]?: Map<string, FlowClass> };

export function flowRegistry(): Map<string, FlowClass> {
  const g = globalThis as Global;
  g[REGISTRY] ??= new Map();
  return g[REGISTRY];
}

/** Runs `fn` with the flag that tells `main()` it is being imported by tsflow. */
export async function whileLoadingFlows<T>(fn: () => Promise<T>): Promise<T> {
  const g = globalThis as Global;
  const before = g[LOADING];
  g[LOADING] = true;
  try {
    return await fn();
  } finally {
    g[LOADING] = before;
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The file that called main(), from the stack (source-mapped under tsx). */
function callerFile(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  for (const line of stack.slice(3)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(line);
    if (!m?.[1]) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (!file.includes(`${path.sep}node_modules${path.sep}`)) return file;
  }
  return undefined;
}

/**
 * Registers the flow class and, when the flow file is the program being run, runs the tsflow
 * command line on it: `npx tsx flow.ts run --alpha 2`, `npx tsx flow.ts show`, ...
 */
export function main(flowClass: FlowClass): void {
  flowRegistry().set(flowClass.name, flowClass);
  if ((globalThis as Global)[LOADING]) return;
  const entry = process.argv[1];
  if (!entry) return;
  const caller = callerFile();
  // Imported from another module (a test, a notebook): do not take over the process.
  if (caller && realpath(caller) !== realpath(entry)) return;
  const [command = 'show', ...rest] = process.argv.slice(2);
  const argv = command.startsWith('-') ? [command, ...rest] : [command, entry, ...rest];
  // A computed specifier so bundlers leave the CLI out of the flow API bundle (every task process
  // loads that bundle; the CLI pulls in esbuild and TypeScript). Resolves to dist/cli.js.
  const cliUrl = new URL('./cli.js', import.meta.url).href;
  void (import(cliUrl) as Promise<typeof import('../cli/main.js')>).then(
    (cli) =>
      cli.main(argv).then((code) => {
        process.exitCode = code;
      }),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}

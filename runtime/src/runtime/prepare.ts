// Everything `run` does before the first task starts: lint the file (all problems at once),
// bundle it, load the flow class and resolve its parameters from the command line. Linting and
// bundling run concurrently; both are needed and neither depends on the other.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import type { FlowSpec } from '../flow/spec.js';
import { isFlowClass } from '../flow/spec.js';
import { flowRegistry, whileLoadingFlows } from '../flow/main.js';
import { type ParameterDef, parseParameterValue } from '../flow/parameter.js';
import type { FileAnalysis, FlowGraph } from '../graph/types.js';
import type { DecoratorSpec } from '../flow/types.js';
import { type FlowBundle, bundleFlow, runtimeDist } from './bundle.js';
import { deferExtraCaEnv } from './extra-ca.js';
import { spawn } from 'node:child_process';

export class LintFailedError extends UserError {
  override name = 'LintFailedError';
  constructor(readonly analysis: FileAnalysis) {
    const n = analysis.problems.filter((p) => p.severity === 'error').length;
    super(`${n} problem${n === 1 ? '' : 's'} in ${analysis.file}`);
  }
}

export function checkFileExists(file: string): string {
  const abs = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new UserError(`no such file: ${file}`);
  }
  if (!stat.isFile()) throw new UserError(`not a file: ${file}`);
  return abs;
}

/** Picks the flow to run from a file's analysis (`--flow` when the file has several). */
export function pickFlow(analysis: FileAnalysis, wanted?: string): FlowGraph {
  const flows = analysis.flows;
  if (wanted) {
    const f = flows.find((g) => g.name === wanted);
    if (!f)
      throw new UserError(
        `${analysis.file} has no flow '${wanted}' (flows: ${flows.map((g) => g.name).join(', ') || 'none'})`,
      );
    return f;
  }
  if (flows.length === 0) throw new UserError(`${analysis.file} defines no class that extends FlowSpec`);
  if (flows.length > 1) {
    throw new UserError(
      `${analysis.file} defines ${flows.length} flows (${flows.map((g) => g.name).join(', ')}); pick one with --flow NAME`,
    );
  }
  return flows[0]!;
}

export async function analyze(file: string): Promise<FileAnalysis> {
  const { analyzeCached } = await import('./lint-cache.js');
  return analyzeCached(file);
}

export interface PreparedFlow {
  file: string;
  graph: FlowGraph;
  bundle: FlowBundle;
  parameters: ParameterDef[];
  /** Each step's decorators as the class really has them (non-literal arguments evaluated). */
  decorators: Record<string, DecoratorSpec[]>;
}

/** Imports a flow bundle without letting its `main()` take over the process. */
export async function loadFlowClass(bundle: FlowBundle, name: string): Promise<new () => FlowSpec> {
  const mod = await whileLoadingFlows(
    () => import(pathToFileURL(bundle.path).href) as Promise<Record<string, unknown>>,
  );
  const cls = mod[name] ?? flowRegistry().get(name);
  if (!isFlowClass(cls)) {
    throw new UserError(
      `flow class ${name} must be exported from its file (export class ${name} ...) or passed to main(${name})`,
    );
  }
  return cls;
}

/** What `prepare.js` answers (see prepare-main.ts). */
export type PrepareReply =
  | {
      ok: true;
      analysis: FileAnalysis;
      graph: FlowGraph;
      parameters: ParameterDef[];
      decorators: Record<string, DecoratorSpec[]>;
    }
  | { ok: false; analysis?: FileAnalysis; userError?: string; error?: string };

function runPrepareProcess(
  file: string,
  bundle: FlowBundle,
  flow: string | undefined,
): Promise<PrepareReply> {
  const script = path.join(runtimeDist(), 'prepare.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, file, bundle.path, ...(flow ? [flow] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: deferExtraCaEnv(process.env),
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        resolve(JSON.parse(out) as PrepareReply);
      } catch {
        reject(
          new Error(`preparing ${file} failed (${signal ?? `exit code ${code}`}): ${out.slice(0, 2000)}`),
        );
      }
    });
  });
}

/**
 * Lints, bundles and loads a flow for `run`, keeping the heavy parts (TypeScript, the flow's own
 * module) out of this process: see prepare-main.ts.
 */
export async function prepareFlow(file: string, opts: { flow?: string } = {}): Promise<PreparedFlow> {
  const abs = checkFileExists(file);
  const bundle = await bundleFlow(abs);
  const reply = await runPrepareProcess(abs, bundle, opts.flow);
  if (reply.ok) {
    return {
      file: abs,
      graph: reply.graph,
      bundle,
      parameters: reply.parameters,
      decorators: reply.decorators,
    };
  }
  if (reply.analysis) throw new LintFailedError(reply.analysis);
  if (reply.userError) throw new UserError(reply.userError);
  throw new Error(reply.error ?? `preparing ${abs} failed`);
}

/** Command-line values for the flow's parameters: every one known, typed and present if required. */
export function resolveParameters(
  flow: string,
  defs: ParameterDef[],
  given: [string, string | undefined][],
): Record<string, unknown> {
  const byName = new Map(defs.map((d) => [d.name.toLowerCase(), d]));
  const values: Record<string, unknown> = {};
  const known = defs.length > 0 ? defs.map((d) => `--${d.name}`).join(', ') : 'none';
  for (const [rawName, raw] of given) {
    let name = rawName;
    let value = raw;
    let def = byName.get(name.toLowerCase());
    if (!def && name.startsWith('no-')) {
      const negated = byName.get(name.slice(3).toLowerCase());
      if (negated?.type === 'boolean' && raw === undefined) {
        def = negated;
        name = negated.name;
        value = 'false';
      }
    }
    if (!def) throw new UserError(`unknown parameter --${rawName} for ${flow} (its parameters: ${known})`);
    if (value === undefined) {
      if (def.type !== 'boolean') throw new UserError(`parameter --${def.name} needs a value`);
      value = 'true';
    }
    values[def.field] = parseParameterValue(def, value);
  }
  for (const def of defs) {
    if (def.field in values) continue;
    if (def.default !== undefined) values[def.field] = def.default;
    else if (def.required)
      throw new UserError(
        `parameter --${def.name} is required for ${flow}${def.help ? ` (${def.help})` : ''}`,
      );
    else values[def.field] = null;
  }
  return values;
}

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
import { type ParameterDef, collectParameters, parseParameterValue } from '../flow/parameter.js';
import type { FileAnalysis, FlowGraph } from '../graph/types.js';
import { type FlowBundle, bundleFlow } from './bundle.js';

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
  const { analyzeFile } = await import('../graph/index.js');
  return analyzeFile(file);
}

export interface PreparedFlow {
  file: string;
  graph: FlowGraph;
  bundle: FlowBundle;
  flowClass: new () => FlowSpec;
  parameters: ParameterDef[];
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

export async function prepareFlow(file: string, opts: { flow?: string } = {}): Promise<PreparedFlow> {
  const abs = checkFileExists(file);
  const [analysis, bundle] = await Promise.all([analyze(abs), bundleFlow(abs)]);
  if (analysis.problems.some((p) => p.severity === 'error')) throw new LintFailedError(analysis);
  const graph = pickFlow(analysis, opts.flow);
  const flowClass = await loadFlowClass(bundle, graph.name);
  let parameters: ParameterDef[];
  try {
    parameters = collectParameters(new flowClass());
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${abs}: ${err.message}`);
    throw new UserError(`${abs}: constructing ${graph.name} failed: ${(err as Error).message}`);
  }
  return { file: abs, graph, bundle, flowClass, parameters };
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

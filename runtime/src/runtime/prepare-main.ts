// `node prepare.js FILE BUNDLE [FLOW]`: the part of `tsflow run`'s preparation that loads big
// things (the TypeScript compiler for linting, the user's flow module for its parameters), in a
// process of its own. The scheduler forks one process per task, and fork costs grow with the
// parent's memory (3 ms at 50 MB, 25 ms at 300 MB here), so the scheduler must stay small.
// Prints one JSON `PrepareReply` on stdout.

import { UserError } from '../errors.js';
import { collectParameters } from '../flow/parameter.js';
import { stepMethods } from '../flow/spec.js';
import { stepDecorators } from '../flow/step.js';
import type { DecoratorSpec } from '../flow/types.js';
import { restoreExtraCa } from './extra-ca.js';
import { analyzeCached } from './lint-cache.js';
import { type PrepareReply, loadFlowClass, pickFlow } from './prepare.js';

async function prepare(file: string, bundle: string, flow: string | undefined): Promise<PrepareReply> {
  const analysis = await analyzeCached(file);
  if (analysis.problems.some((p) => p.severity === 'error')) return { ok: false, analysis };
  try {
    const graph = pickFlow(analysis, flow);
    const extraCa = restoreExtraCa();
    const cls = await loadFlowClass({ path: bundle, sha: '', taskPath: bundle }, graph.name);
    extraCa.afterImport();
    let parameters: ReturnType<typeof collectParameters>;
    try {
      parameters = collectParameters(new cls());
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`${file}: ${err.message}`);
      throw new UserError(`${file}: constructing ${graph.name} failed: ${(err as Error).message}`);
    }
    const decorators: Record<string, DecoratorSpec[]> = {};
    for (const [name, fn] of stepMethods(cls)) decorators[name] = stepDecorators(fn);
    return { ok: true, analysis, graph, parameters, decorators };
  } catch (err) {
    if (err instanceof UserError) return { ok: false, userError: err.message };
    throw err;
  }
}

const [file, bundle, flow] = process.argv.slice(2);
if (!file || !bundle) {
  process.stderr.write('usage: prepare.js FILE BUNDLE [FLOW]\n');
  process.exit(2);
}
prepare(file, bundle, flow).then(
  (reply) => {
    process.stdout.write(JSON.stringify(reply));
    process.exitCode = 0;
  },
  (err: unknown) => {
    const reply: PrepareReply = {
      ok: false,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    };
    process.stdout.write(JSON.stringify(reply));
  },
);

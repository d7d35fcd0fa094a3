import { UserError } from '../../errors.js';
import type { FileAnalysis, LintProblem } from '../../graph/types.js';
import { LintFailedError, analyze, checkFileExists } from '../../runtime/prepare.js';
import { formatOptions, parseArgs } from '../args.js';
import { type Command, HELP_OPTION, print, printJson } from '../common.js';

/** `tsflow check --json` output (schema 1). */
export interface CheckJson {
  schema: 1;
  file: string;
  /** True when there is no problem of severity `error`. */
  ok: boolean;
  flows: { name: string; start: string | null; end: string | null; steps: number }[];
  problems: LintProblem[];
}

export async function formatProblems(problems: LintProblem[]): Promise<string> {
  const { formatProblem } = await import('../../graph/index.js');
  return problems.map((p) => formatProblem(p)).join('\n');
}

/** Prints a lint failure the way `check` does; true if `err` was one. */
export async function printProblemsIfLintFailed(err: unknown): Promise<boolean> {
  if (!(err instanceof LintFailedError)) return false;
  const text = await formatProblems(err.analysis.problems);
  process.stderr.write(`${text}\n${err.message}: fix them and run again (tsflow check shows them too)\n`);
  return true;
}

export function checkJson(a: FileAnalysis): CheckJson {
  return {
    schema: 1,
    file: a.file,
    ok: !a.problems.some((p) => p.severity === 'error'),
    flows: a.flows.map((f) => ({ name: f.name, start: f.start, end: f.end, steps: f.steps.length })),
    problems: a.problems,
  };
}

const OPTIONS = [
  { name: 'json', kind: 'boolean', help: 'print the result as JSON (see docs/cli-json.md)' },
  HELP_OPTION,
] as const;

export const checkCommand: Command = {
  name: 'check',
  usage: 'tsflow check FILE [--json]',
  summary: 'lint a flow file: every problem at once, each with file:line:column; exit 2 if any',
  options: [...OPTIONS],
  async run(argv) {
    const args = parseArgs('check', argv, [...OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...OPTIONS])}`);
      return 0;
    }
    const file = args.positionals[0];
    if (!file) throw new UserError(`check: which flow file? usage: ${this.usage}`);
    const analysis = await analyze(checkFileExists(file));
    const result = checkJson(analysis);
    if (args.options.json) {
      printJson(result);
      return result.ok ? 0 : 2;
    }
    if (analysis.problems.length > 0) process.stderr.write(`${await formatProblems(analysis.problems)}\n`);
    if (result.ok) {
      for (const f of result.flows) print(`✓ ${f.name}: ${f.steps} steps, no problems`);
      return 0;
    }
    const n = analysis.problems.filter((p) => p.severity === 'error').length;
    process.stderr.write(`${n} problem${n === 1 ? '' : 's'} found\n`);
    return 2;
  },
};

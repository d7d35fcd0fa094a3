import { UserError } from '../../errors.js';
import type { FileAnalysis, FlowGraph } from '../../graph/types.js';
import { analyze, checkFileExists, pickFlow } from '../../runtime/prepare.js';
import { formatOptions, parseArgs } from '../args.js';
import { type Command, HELP_OPTION, print } from '../common.js';
import { formatProblems } from './check.js';

export async function analyzeForHelp(file: string, flow?: string): Promise<FlowGraph> {
  const analysis = await analyze(checkFileExists(file));
  return pickFlow(analysis, flow);
}

export function parameterHelp(graph: FlowGraph): string {
  if (graph.parameters.length === 0) return `\n\n${graph.name} has no parameters.`;
  const rows = graph.parameters.map((p) => {
    const left = `--${p.name} ${(p.type ?? 'string').toUpperCase()}`;
    const def =
      p.defaultText !== undefined ? ` (default: ${p.defaultText})` : p.required ? ' (required)' : '';
    return [left, `${p.help ?? ''}${def}`] as const;
  });
  const w = Math.max(...rows.map(([l]) => l.length)) + 2;
  return `\n\nparameters of ${graph.name}:\n${rows.map(([l, r]) => `  ${l.padEnd(w)}${r}`).join('\n')}`;
}

export function describeFlow(g: FlowGraph): string {
  const lines: string[] = [];
  lines.push(g.doc ? `${g.name}: ${g.doc}` : g.name);
  for (const p of g.parameters) {
    lines.push(
      `  parameter --${p.name}${p.defaultText !== undefined ? ` = ${p.defaultText}` : p.required ? ' (required)' : ''}${p.help ? `  ${p.help}` : ''}`,
    );
  }
  for (const s of g.steps) {
    lines.push('');
    const decos = s.decorators
      .filter((d) => d.name !== 'step')
      .map((d) => `@${d.name}${d.argsText !== null ? `(${d.argsText})` : ''}`);
    lines.push(`Step ${s.name}  (${s.kind}${decos.length > 0 ? `, ${decos.join(' ')}` : ''})`);
    if (s.doc) lines.push(`    ${s.doc}`);
    const t = s.transition;
    if (s.isEnd) continue;
    if (t?.foreach) lines.push(`    => ${s.next.join(', ')}  (foreach ${t.foreach})`);
    else if (t?.condition && t.switchCases) {
      lines.push(
        `    => switch on ${t.condition}: ${Object.entries(t.switchCases)
          .map(([k, v]) => `${k} → ${v}`)
          .join(', ')}`,
      );
    } else lines.push(`    => ${s.next.join(', ')}`);
  }
  return lines.join('\n');
}

const OPTIONS = [
  { name: 'flow', kind: 'string', value: 'NAME', help: 'the flow class, when the file defines several' },
  HELP_OPTION,
] as const;

export const showCommand: Command = {
  name: 'show',
  usage: 'tsflow show FILE',
  summary: 'describe a flow: its parameters and each step with its decorators and successors',
  options: [...OPTIONS],
  async run(argv) {
    const args = parseArgs('show', argv, [...OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...OPTIONS])}`);
      return 0;
    }
    const file = args.positionals[0];
    if (!file) throw new UserError(`show: which flow file? usage: ${this.usage}`);
    const analysis: FileAnalysis = await analyze(checkFileExists(file));
    const flows = args.options.flow ? [pickFlow(analysis, args.options.flow as string)] : analysis.flows;
    if (flows.length === 0) throw new UserError(`${analysis.file} defines no class that extends FlowSpec`);
    print(flows.map(describeFlow).join('\n\n'));
    if (analysis.problems.length > 0) {
      process.stderr.write(`\n${await formatProblems(analysis.problems)}\n`);
      return analysis.problems.some((p) => p.severity === 'error') ? 2 : 0;
    }
    return 0;
  },
};

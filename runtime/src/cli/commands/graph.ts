import { UserError } from '../../errors.js';
import { analyze, checkFileExists, pickFlow } from '../../runtime/prepare.js';
import { formatOptions, parseArgs } from '../args.js';
import { type Command, HELP_OPTION, print, printJson } from '../common.js';

const OPTIONS = [
  { name: 'format', kind: 'string', value: 'json|mermaid|dot', help: 'output format', default: 'json' },
  { name: 'flow', kind: 'string', value: 'NAME', help: 'the flow class, when the file defines several' },
  HELP_OPTION,
] as const;

export const graphCommand: Command = {
  name: 'graph',
  usage: 'tsflow graph FILE [--format json|mermaid|dot]',
  summary: 'export the flow graph (json: the FlowGraph schema of runtime/src/graph/types.ts)',
  options: [...OPTIONS],
  async run(argv) {
    const args = parseArgs('graph', argv, [...OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...OPTIONS])}`);
      return 0;
    }
    const file = args.positionals[0];
    if (!file) throw new UserError(`graph: which flow file? usage: ${this.usage}`);
    const format = args.options.format as string;
    if (!['json', 'mermaid', 'dot'].includes(format))
      throw new UserError(`graph: --format must be json, mermaid or dot, not '${format}'`);
    const graph = pickFlow(await analyze(checkFileExists(file)), args.options.flow as string | undefined);
    const { toMermaid, toDot } = await import('../../graph/index.js');
    if (format === 'json') printJson(graph);
    else print(format === 'mermaid' ? toMermaid(graph) : toDot(graph));
    return 0;
  },
};

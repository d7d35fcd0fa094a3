import { UserError } from '../../errors.js';
import { launchRun } from '../../runtime/launch.js';
import { parseWithSpec } from '../../runtime/policy.js';
import { type PreparedFlow, prepareFlow, resolveParameters } from '../../runtime/prepare.js';
import { formatOptions, parseArgs } from '../args.js';
import {
  type Command,
  DATASTORE_OPTIONS,
  HELP_OPTION,
  datastoreRoot,
  SCHEDULING_OPTIONS,
  print,
} from '../common.js';
import { printProblemsIfLintFailed } from './check.js';
import { analyzeForHelp, parameterHelp } from './show.js';

const OPTIONS = [...SCHEDULING_OPTIONS, ...DATASTORE_OPTIONS, HELP_OPTION] as const;

export const runCommand: Command = {
  name: 'run',
  usage: 'tsflow run FILE [--<parameter> VALUE]... [options]',
  summary: 'lint the flow, then run it; exit 0 when it succeeds, 1 when it fails, 2 for bad input',
  options: [...OPTIONS],
  async run(argv) {
    const args = parseArgs('run', argv, [...OPTIONS], { allowExtra: true });
    const file = args.positionals[0];
    if (args.options.help) {
      let params = '';
      if (file) params = parameterHelp(await analyzeForHelp(file, args.options.flow as string | undefined));
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...OPTIONS])}${params}`);
      return 0;
    }
    if (!file) throw new UserError(`run: which flow file? usage: ${this.usage}`);
    if (args.positionals.length > 1) throw new UserError(`run: unexpected argument '${args.positionals[1]}'`);
    const root = datastoreRoot(args);
    let prepared: PreparedFlow;
    try {
      prepared = await prepareFlow(file, { flow: args.options.flow as string | undefined });
    } catch (err) {
      if (await printProblemsIfLintFailed(err)) return 2;
      throw err;
    }
    const parameters = resolveParameters(prepared.graph.name, prepared.parameters, args.extra);
    const outcome = await launchRun({
      prepared,
      parameters,
      datastoreRoot: root,
      maxWorkers: args.options['max-workers'] as number,
      maxNumSplits: args.options['max-num-splits'] as number,
      tags: (args.options.tag as string[] | undefined) ?? [],
      withSpecs: ((args.options.with as string[] | undefined) ?? []).map(parseWithSpec),
      ...(typeof args.options['run-id-file'] === 'string' ? { runIdFile: args.options['run-id-file'] } : {}),
    });
    return outcome.status === 'succeeded' ? 0 : 1;
  },
};

import { UserError } from '../../errors.js';
import { openFlowStore } from '../../datastore/index.js';
import { launchRun } from '../../runtime/launch.js';
import { parseWithSpec } from '../../runtime/policy.js';
import { type PreparedFlow, prepareFlow } from '../../runtime/prepare.js';
import { pickOrigin, planResume } from '../../runtime/resume.js';
import { RunConsole } from '../../runtime/console.js';
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

const OPTIONS = [
  {
    name: 'origin-run-id',
    kind: 'string',
    value: 'ID',
    help: "the run to resume (default: the flow's latest run)",
  },
  ...SCHEDULING_OPTIONS,
  ...DATASTORE_OPTIONS,
  HELP_OPTION,
] as const;

export const resumeCommand: Command = {
  name: 'resume',
  usage: 'tsflow resume FILE [STEP] [--origin-run-id ID] [options]',
  summary:
    'a new run that clones the successful tasks of a past run before STEP and runs the rest (default: re-run what did not succeed)',
  options: [...OPTIONS],
  async run(argv) {
    const args = parseArgs('resume', argv, [...OPTIONS], { allowExtra: true });
    if (args.options.help) {
      print(
        `usage: ${this.usage}\n\n${this.summary}\n\nParameters come from the origin run and cannot be changed.\n\noptions:\n${formatOptions([...OPTIONS])}`,
      );
      return 0;
    }
    const [file, step, extra] = args.positionals;
    if (!file) throw new UserError(`resume: which flow file? usage: ${this.usage}`);
    if (extra) throw new UserError(`resume: unexpected argument '${extra}'`);
    if (args.extra.length > 0) {
      const names = args.extra.map(([n]) => `--${n}`).join(', ');
      throw new UserError(
        `resume: ${names}: parameters come from the origin run and cannot be changed on resume (start a new run to change them)`,
      );
    }
    const root = datastoreRoot(args);
    const withSpecs = ((args.options.with as string[] | undefined) ?? []).map(parseWithSpec);
    let prepared: PreparedFlow;
    try {
      prepared = await prepareFlow(file, { flow: args.options.flow as string | undefined });
    } catch (err) {
      if (await printProblemsIfLintFailed(err)) return 2;
      throw err;
    }
    const store = openFlowStore(root, prepared.graph.name);
    const origin = await pickOrigin(
      store,
      prepared.graph.name,
      args.options['origin-run-id'] as string | undefined,
    );
    const plan = await planResume(store, prepared.graph, origin, step);
    const out = new RunConsole();
    out.event(`Resume plan for ${prepared.graph.name}/${origin.runId}:\n${plan.lines.join('\n')}`);
    const outcome = await launchRun({
      prepared,
      resume: { origin, parameters: plan.parameters, clone: plan.clone },
      datastoreRoot: root,
      maxWorkers: args.options['max-workers'] as number,
      maxNumSplits: args.options['max-num-splits'] as number,
      tags: (args.options.tag as string[] | undefined) ?? [],
      withSpecs,
      console: out,
      ...(typeof args.options['run-id-file'] === 'string' ? { runIdFile: args.options['run-id-file'] } : {}),
    });
    return outcome.status === 'succeeded' ? 0 : 1;
  },
};

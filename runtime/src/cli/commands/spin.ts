import { UserError } from '../../errors.js';
import { spin } from '../../runtime/spin.js';
import { formatOptions, parseArgs } from '../args.js';
import { type Command, DATASTORE_OPTIONS, HELP_OPTION, datastoreRoot, print } from '../common.js';

const OPTIONS = [
  {
    name: 'inspect',
    kind: 'string',
    value: '[HOST:]PORT',
    help: 'run the task under the Node inspector and wait for a debugger to attach (port 0: any free port)',
  },
  {
    name: 'file',
    kind: 'string',
    value: 'FILE',
    help: 'the flow file (default: the one the run was started from)',
  },
  { name: 'tag', kind: 'list', value: 'TAG', help: 'tag the spin run (repeatable)' },
  ...DATASTORE_OPTIONS,
  HELP_OPTION,
] as const;

export const spinCommand: Command = {
  name: 'spin',
  usage: 'tsflow spin Flow/run/step[/task] [--inspect [HOST:]PORT]',
  summary:
    'run one task of a past run again with its original inputs, in the foreground, leaving that run untouched',
  options: [...OPTIONS],
  async run(argv) {
    // `--inspect` alone means the default inspector port.
    const normalized = argv.flatMap((a, i) =>
      a === '--inspect' &&
      (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-') || argv[i + 1]!.includes('/'))
        ? ['--inspect=127.0.0.1:9229']
        : [a],
    );
    const args = parseArgs('spin', normalized, [...OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...OPTIONS])}`);
      return 0;
    }
    const pathspec = args.positionals[0];
    if (!pathspec) throw new UserError(`spin: which task? usage: ${this.usage}`);
    const inspect = args.options.inspect as string | undefined;
    const result = await spin({
      pathspec,
      datastoreRoot: datastoreRoot(args),
      ...(typeof args.options.file === 'string' ? { file: args.options.file } : {}),
      ...(inspect ? { inspect } : {}),
      tags: (args.options.tag as string[] | undefined) ?? [],
    });
    process.stderr.write(
      `${result.ok ? 'Spun' : 'Spin failed for'} ${pathspec} as ${result.pathspec}; see it with: tsflow dump ${result.pathspec}\n`,
    );
    return result.ok ? 0 : 1;
  },
};

import { UserError } from '../../errors.js';
import { Step, Task, get } from '../../client/index.js';
import type { LogStream } from '../../datastore/types.js';
import { timestamp } from '../../runtime/console.js';
import { formatOptions, parseArgs } from '../args.js';
import { type Command, DATASTORE_OPTIONS, HELP_OPTION, print } from '../common.js';
import { clientOptions, onePathspec } from './inspect-common.js';

const OPTIONS = [
  { name: 'stderr', kind: 'boolean', help: 'show stderr instead of stdout' },
  { name: 'timestamps', kind: 'boolean', help: 'prefix each line with the time it was written' },
  { name: 'attempt', kind: 'number', value: 'N', help: 'show this attempt instead of the latest' },
  ...DATASTORE_OPTIONS,
  HELP_OPTION,
] as const;

export const logsCommand: Command = {
  name: 'logs',
  usage: 'tsflow logs PATHSPEC [--stderr] [--timestamps]',
  summary: "print a task's output (PATHSPEC: Flow/run/step[/task]; a step prints each of its tasks)",
  options: [...OPTIONS],
  async run(argv) {
    const args = parseArgs('logs', argv, [...OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...OPTIONS])}`);
      return 0;
    }
    const pathspec = onePathspec('logs', args, this.usage);
    const attempt = args.options.attempt as number | undefined;
    const obj = await get(pathspec, {
      ...clientOptions(args),
      ...(attempt !== undefined ? { attempt } : {}),
    });
    const stream: LogStream = args.options.stderr ? 'stderr' : 'stdout';
    const stamps = Boolean(args.options.timestamps);
    let tasks: Task[];
    if (obj instanceof Task) tasks = [obj];
    else if (obj instanceof Step) tasks = await obj.tasks();
    else
      throw new UserError(`logs: ${pathspec} is a ${obj.kind}; give a step or a task (Flow/run/step[/task])`);
    for (const t of tasks) {
      if (tasks.length > 1) print(`--- ${t.pathspec} (${stream})`);
      const lines = await t.logLines(stream);
      if (lines.length > 0)
        print(lines.map((l) => (stamps ? `${timestamp(l.ts)} ${l.text}` : l.text)).join('\n'));
    }
    return 0;
  },
};

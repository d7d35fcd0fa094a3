import { Flow, type RunJSON } from '../../client/index.js';
import { formatOptions, parseArgs } from '../args.js';
import { type Command, DATASTORE_OPTIONS, HELP_OPTION, print, printJson } from '../common.js';
import { clientOptions, duration, localTime, onePathspec, table } from './inspect-common.js';

/** `tsflow runs FLOW --json` output (schema 1). */
export interface RunsJson {
  schema: 1;
  flow: string;
  /** Newest first. */
  runs: RunJSON[];
}

const OPTIONS = [
  { name: 'json', kind: 'boolean', help: 'print the runs as JSON (see docs/cli-json.md)' },
  { name: 'tag', kind: 'list', value: 'TAG', help: 'only runs with this tag (repeatable: all of them)' },
  ...DATASTORE_OPTIONS,
  HELP_OPTION,
] as const;

export const runsCommand: Command = {
  name: 'runs',
  usage: 'tsflow runs FLOW [--json] [--tag TAG]...',
  summary: "list a flow's runs, newest first, with their status",
  options: [...OPTIONS],
  async run(argv) {
    const args = parseArgs('runs', argv, [...OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...OPTIONS])}`);
      return 0;
    }
    const name = onePathspec('runs', args, this.usage);
    const flow = await Flow.get(name, clientOptions(args));
    const tags = (args.options.tag as string[] | undefined) ?? [];
    const runs = await flow.runs(tags.length > 0 ? { tag: tags } : {});
    if (args.options.json) {
      const out: RunsJson = { schema: 1, flow: flow.name, runs: runs.map((r) => r.toJSON()) };
      printJson(out);
      return 0;
    }
    if (runs.length === 0) {
      print(`${flow.name} has no runs${tags.length > 0 ? ` tagged ${tags.join(', ')}` : ''}`);
      return 0;
    }
    const rows = [['RUN', 'STATUS', 'STARTED', 'DURATION', 'TAGS']];
    for (const r of runs) {
      rows.push([
        r.id,
        r.status,
        localTime(r.createdAt),
        duration(r.createdAt.getTime(), r.finishedAt?.getTime()),
        [
          ...r.tags,
          ...(r.systemTags.includes('spin') ? [`(spin of ${r.originRunId})`] : []),
          ...(r.originRunId && !r.systemTags.includes('spin') ? [`(resumed ${r.originRunId})`] : []),
        ].join(', '),
      ]);
    }
    print(table(rows));
    return 0;
  },
};

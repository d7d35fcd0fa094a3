import { inspect } from 'node:util';
import {
  type ArtifactJSON,
  DataArtifact,
  Flow,
  Run,
  type RunJSON,
  Step,
  type StepJSON,
  Task,
  type TaskJSON,
  get,
} from '../../client/index.js';
import { formatOptions, parseArgs } from '../args.js';
import { type Command, DATASTORE_OPTIONS, HELP_OPTION, print, printJson } from '../common.js';
import { clientOptions, onePathspec } from './inspect-common.js';

/**
 * `tsflow dump PATHSPEC --json` output (schema 1), by the pathspec's depth:
 * - `Flow`: `{ schema, kind: 'flow', flow, runs: RunJSON[] }`
 * - `Flow/run`: `{ schema, kind: 'run', run: RunJSON, steps: { step: StepJSON, tasks: TaskJSON[] }[] }`
 * - `Flow/run/step`: `{ schema, kind: 'step', step: StepJSON, tasks: TaskJSON[] }`
 * - `Flow/run/step/task`: `{ schema, kind: 'task', task: TaskJSON }`
 * - `Flow/run/step/task/artifact`: `{ schema, kind: 'artifact', artifact: ArtifactJSON }`
 * Tasks and artifacts carry their values (`artifacts[].value`, see `artifactToJSON`).
 */
export type DumpJson =
  | { schema: 1; kind: 'flow'; flow: string; runs: RunJSON[] }
  | { schema: 1; kind: 'run'; run: RunJSON; steps: { step: StepJSON; tasks: TaskJSON[] }[] }
  | { schema: 1; kind: 'step'; step: StepJSON; tasks: TaskJSON[] }
  | { schema: 1; kind: 'task'; task: TaskJSON }
  | { schema: 1; kind: 'artifact'; artifact: ArtifactJSON };

const OPTIONS = [
  { name: 'json', kind: 'boolean', help: 'print as JSON (see docs/cli-json.md)' },
  {
    name: 'max-value-size',
    kind: 'number',
    value: 'N',
    help: 'characters of each value shown in text output',
    default: 1000,
  },
  { name: 'attempt', kind: 'number', value: 'N', help: 'show this attempt of a task instead of the latest' },
  ...DATASTORE_OPTIONS,
  HELP_OPTION,
] as const;

function formatValue(v: unknown, max: number): string {
  const s = inspect(v, {
    depth: 6,
    maxArrayLength: 200,
    maxStringLength: max,
    breakLength: Number.POSITIVE_INFINITY,
    compact: true,
  });
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters; --max-value-size to see more)` : s;
}

async function taskText(task: Task, max: number): Promise<string> {
  const state = task.successful ? 'succeeded' : task.finished ? 'finished with a caught error' : 'failed';
  const lines = [`${task.pathspec}  ${state}  (attempt ${task.attempt ?? '-'})`];
  if (task.exception) lines.push(`  error: ${task.exception.name}: ${task.exception.message}`);
  for (const a of await task.artifacts()) {
    lines.push(`  ${a.name} = ${formatValue(await a.data(), max)}`);
  }
  return lines.join('\n');
}

async function tasksJson(tasks: Task[]): Promise<TaskJSON[]> {
  return Promise.all(tasks.map((t) => t.toJSONWithValues()));
}

export const dumpCommand: Command = {
  name: 'dump',
  usage: 'tsflow dump PATHSPEC [--json]',
  summary:
    'print the artifacts of a run, step, task or one artifact (PATHSPEC: Flow/run[/step[/task[/name]]])',
  options: [...OPTIONS],
  async run(argv) {
    const args = parseArgs('dump', argv, [...OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...OPTIONS])}`);
      return 0;
    }
    const pathspec = onePathspec('dump', args, this.usage);
    const max = args.options['max-value-size'] as number;
    const attempt = args.options.attempt as number | undefined;
    const obj = await get(pathspec, {
      ...clientOptions(args),
      ...(attempt !== undefined ? { attempt } : {}),
    });
    const json = Boolean(args.options.json);
    if (obj instanceof Flow) {
      const runs = await obj.runs();
      if (json)
        printJson({
          schema: 1,
          kind: 'flow',
          flow: obj.name,
          runs: runs.map((r) => r.toJSON()),
        } satisfies DumpJson);
      else print(runs.map((r) => `${r.pathspec}  ${r.status}`).join('\n') || `${obj.name} has no runs`);
    } else if (obj instanceof Run) {
      const steps = await obj.steps();
      const withTasks = await Promise.all(steps.map(async (s) => ({ step: s, tasks: await s.tasks() })));
      if (json) {
        const out: DumpJson = {
          schema: 1,
          kind: 'run',
          run: obj.toJSON(),
          steps: await Promise.all(
            withTasks.map(async (x) => ({ step: x.step.toJSON(), tasks: await tasksJson(x.tasks) })),
          ),
        };
        printJson(out);
      } else {
        print(`${obj.pathspec}  ${obj.status}${obj.error ? `: ${obj.error}` : ''}`);
        for (const x of withTasks) for (const t of x.tasks) print(await taskText(t, max));
      }
    } else if (obj instanceof Step) {
      const tasks = await obj.tasks();
      if (json)
        printJson({
          schema: 1,
          kind: 'step',
          step: obj.toJSON(),
          tasks: await tasksJson(tasks),
        } satisfies DumpJson);
      else for (const t of tasks) print(await taskText(t, max));
    } else if (obj instanceof Task) {
      if (json) printJson({ schema: 1, kind: 'task', task: await obj.toJSONWithValues() } satisfies DumpJson);
      else print(await taskText(obj, max));
    } else if (obj instanceof DataArtifact) {
      if (json)
        printJson({ schema: 1, kind: 'artifact', artifact: await obj.toJSONWithValue() } satisfies DumpJson);
      else print(formatValue(await obj.data(), max));
    }
    return 0;
  },
};

// `tsflow tag`, `tsflow delete`, `tsflow gc`: tags on runs, removing runs, reclaiming blobs.

import { Run } from '../../client/index.js';
import { collectGarbage, openFlowStore } from '../../datastore/index.js';
import { UserError } from '../../errors.js';
import { formatOptions, parseArgs } from '../args.js';
import { type Command, DATASTORE_OPTIONS, HELP_OPTION, datastoreRoot, print, printJson } from '../common.js';
import { clientOptions } from './inspect-common.js';

const TAG_OPTIONS = [
  { name: 'json', kind: 'boolean', help: 'print the tags as JSON' },
  ...DATASTORE_OPTIONS,
  HELP_OPTION,
] as const;

export const tagCommand: Command = {
  name: 'tag',
  usage: 'tsflow tag add|remove|list Flow/run [TAG]...',
  summary: "add, remove or list a run's tags",
  options: [...TAG_OPTIONS],
  async run(argv) {
    const args = parseArgs('tag', argv, [...TAG_OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...TAG_OPTIONS])}`);
      return 0;
    }
    const [action, pathspec, ...tags] = args.positionals;
    if (!action || !['add', 'remove', 'list'].includes(action)) {
      throw new UserError(`tag: say add, remove or list (usage: ${this.usage})`);
    }
    if (!pathspec) throw new UserError(`tag ${action}: which run? (usage: ${this.usage})`);
    let run = await Run.get(pathspec, clientOptions(args));
    if (action !== 'list') {
      if (tags.length === 0) throw new UserError(`tag ${action}: which tags?`);
      for (const t of tags) {
        if (t.length === 0 || t.length > 500)
          throw new UserError(`tag ${action}: a tag is 1 to 500 characters, '${t}' is not`);
      }
      run = action === 'add' ? await run.addTags(...tags) : await run.removeTags(...tags);
    }
    if (args.options.json)
      printJson({ schema: 1, run: run.pathspec, tags: run.tags, systemTags: run.systemTags });
    else print([...run.tags].join('\n') || `${run.pathspec} has no tags`);
    return 0;
  },
};

const DELETE_OPTIONS = [
  { name: 'force', kind: 'boolean', help: 'delete even a run that is still running' },
  ...DATASTORE_OPTIONS,
  HELP_OPTION,
] as const;

export const deleteCommand: Command = {
  name: 'delete',
  usage: 'tsflow delete Flow/run [--force]',
  summary: "remove a run's records (its blobs go at the next tsflow gc)",
  options: [...DELETE_OPTIONS],
  async run(argv) {
    const args = parseArgs('delete', argv, [...DELETE_OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...DELETE_OPTIONS])}`);
      return 0;
    }
    const pathspec = args.positionals[0];
    if (pathspec?.split('/').length !== 2) {
      throw new UserError(`delete: give a run as Flow/run (usage: ${this.usage})`);
    }
    const run = await Run.get(pathspec, clientOptions(args));
    if (run.status === 'running' && !args.options.force) {
      throw new UserError(`delete: ${run.pathspec} is still running; stop it first or pass --force`);
    }
    const store = openFlowStore(datastoreRoot(args), run.flowName);
    await store.backend.deletePrefix(`${run.flowName}/${run.id}`);
    print(`deleted ${run.pathspec}`);
    return 0;
  },
};

const GC_OPTIONS = [
  {
    name: 'grace-minutes',
    kind: 'number',
    value: 'N',
    help: 'keep unreferenced blobs and unfinished uploads younger than this (protects runs that are writing)',
    default: 60,
    min: 0,
  },
  { name: 'dry-run', kind: 'boolean', help: 'only report what would be deleted' },
  { name: 'json', kind: 'boolean', help: 'print the figures as JSON' },
  ...DATASTORE_OPTIONS,
  HELP_OPTION,
] as const;

export const gcCommand: Command = {
  name: 'gc',
  usage: 'tsflow gc FLOW [--grace-minutes N] [--dry-run]',
  summary: 'delete the blobs of a flow that no run refers to any more (safe while runs are writing)',
  options: [...GC_OPTIONS],
  async run(argv) {
    const args = parseArgs('gc', argv, [...GC_OPTIONS]);
    if (args.options.help) {
      print(`usage: ${this.usage}\n\n${this.summary}\n\noptions:\n${formatOptions([...GC_OPTIONS])}`);
      return 0;
    }
    const flow = args.positionals[0];
    if (!flow) throw new UserError(`gc: which flow? (usage: ${this.usage})`);
    const root = datastoreRoot(args);
    const store = openFlowStore(root, flow);
    if (
      (await store.listRuns()).length === 0 &&
      (await store.backend.list(`${flow}/data`)).dirs.length === 0
    ) {
      throw new UserError(`gc: no flow '${flow}' in ${root}`);
    }
    const minutes = args.options['grace-minutes'] as number;
    const r = await collectGarbage(store, {
      graceMs: minutes * 60_000,
      dryRun: Boolean(args.options['dry-run']),
    });
    if (args.options.json) printJson({ schema: 1, flow, dryRun: Boolean(args.options['dry-run']), ...r });
    else {
      print(
        `${flow}: ${r.blobs} blobs, ${r.referenced} in use, ${args.options['dry-run'] ? 'would delete' : 'deleted'} ${r.deleted} (${(r.deletedBytes / 1e6).toFixed(1)} MB)` +
          (r.keptRecent > 0 ? `, kept ${r.keptRecent} unreferenced but younger than the grace period` : '') +
          (r.abortedUploads > 0
            ? `; ${args.options['dry-run'] ? 'would abort' : 'aborted'} ${r.abortedUploads} unfinished uploads`
            : ''),
      );
    }
    return 0;
  },
};

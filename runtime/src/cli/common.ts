// Options and helpers shared by the commands.

import os from 'node:os';
import { UserError } from '../errors.js';
import { DATASTORE_ROOT_ENV, isS3Root, resolveDatastoreRoot } from '../datastore/index.js';
import type { OptionSpec, ParsedArgs } from './args.js';

export const DATASTORE_OPTIONS: OptionSpec[] = [
  {
    name: 'datastore',
    kind: 'string',
    value: 'local|s3',
    help: 'where runs are stored (env TSFLOW_DATASTORE; default: s3 for an s3:// root, else local)',
  },
  {
    name: 'datastore-root',
    kind: 'string',
    value: 'DIR|s3://BUCKET/PREFIX',
    help: 'datastore root (env TSFLOW_DATASTORE_ROOT; default: the nearest .tsflow folder above the working directory)',
  },
];

export const HELP_OPTION: OptionSpec = { name: 'help', kind: 'boolean', help: 'show this help' };

/** A sensible --max-workers default: one task per core, at least 2 (tasks often wait on I/O). */
export function defaultMaxWorkers(): number {
  return Math.max(2, Math.min(16, os.availableParallelism()));
}

/** Options of every command that schedules a run (`run`, `resume`). */
export const SCHEDULING_OPTIONS: OptionSpec[] = [
  {
    name: 'max-workers',
    kind: 'number',
    value: 'N',
    help: 'task processes at once',
    default: defaultMaxWorkers(),
  },
  {
    name: 'max-num-splits',
    kind: 'number',
    value: 'N',
    help: 'most tasks one foreach may start',
    default: 100,
  },
  { name: 'tag', kind: 'list', value: 'TAG', help: 'tag the run (repeatable)' },
  {
    name: 'with',
    kind: 'list',
    value: 'SPEC',
    help: 'add a decorator to every step, e.g. retry or timeout:seconds=60 (repeatable)',
  },
  {
    name: 'run-id-file',
    kind: 'string',
    value: 'FILE',
    help: 'write the run id to FILE once the run is created',
  },
  { name: 'flow', kind: 'string', value: 'NAME', help: 'the flow class, when the file defines several' },
];

export const DATASTORE_ENV = 'TSFLOW_DATASTORE';

/**
 * The datastore root the options and environment select: a directory, or `s3://bucket/prefix`
 * for `--datastore s3` (S3 endpoint, region and credentials come from the AWS environment).
 */
export function datastoreRoot(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  const opt = args.options.datastore;
  const kind = typeof opt === 'string' ? opt : env[DATASTORE_ENV] || undefined;
  const given = args.options['datastore-root'];
  const root = typeof given === 'string' && given !== '' ? given : env[DATASTORE_ROOT_ENV] || undefined;
  const from = typeof given === 'string' && given !== '' ? '--datastore-root' : DATASTORE_ROOT_ENV;
  const kindFrom = typeof opt === 'string' ? '--datastore' : DATASTORE_ENV;
  if (kind !== undefined && kind !== 'local' && kind !== 's3')
    throw new UserError(`${kindFrom} must be 'local' or 's3', not '${kind}'`);
  if (kind === 's3') {
    if (!root) {
      throw new UserError(
        `${kindFrom} s3 needs an S3 root: give --datastore-root s3://BUCKET/PREFIX or set ${DATASTORE_ROOT_ENV}`,
      );
    }
    if (!isS3Root(root))
      throw new UserError(`${kindFrom} s3 needs an s3://BUCKET/PREFIX root, but ${from} is '${root}'`);
  } else if (kind === 'local' && root && isS3Root(root)) {
    throw new UserError(
      `${kindFrom} local cannot use the S3 root '${root}' (from ${from}): use --datastore s3, or give a directory`,
    );
  }
  return resolveDatastoreRoot({ root, cwd: process.cwd(), env: {} });
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: OptionSpec[];
  /** Runs the command; returns the exit code. */
  run(argv: string[]): Promise<number>;
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

// Options and helpers shared by the commands.

import os from 'node:os';
import { UserError } from '../errors.js';
import { resolveDatastoreRoot } from '../datastore/index.js';
import type { OptionSpec, ParsedArgs } from './args.js';

export const DATASTORE_OPTIONS: OptionSpec[] = [
  { name: 'datastore', kind: 'string', value: 'local|s3', help: 'where runs are stored', default: 'local' },
  {
    name: 'datastore-root',
    kind: 'string',
    value: 'DIR',
    help: 'datastore root (env TSFLOW_DATASTORE_ROOT; default: the nearest .tsflow folder above the working directory)',
  },
];

export const HELP_OPTION: OptionSpec = { name: 'help', kind: 'boolean', help: 'show this help' };

export function datastoreRoot(args: ParsedArgs): string {
  const kind = args.options.datastore;
  if (kind !== 'local') {
    if (kind === 's3') throw new UserError('--datastore s3 is not available yet in this version of tsflow');
    throw new UserError(`--datastore must be 'local' or 's3', not '${String(kind)}'`);
  }
  const root = args.options['datastore-root'];
  return resolveDatastoreRoot({ root: typeof root === 'string' ? root : undefined, cwd: process.cwd() });
}

/** A sensible --max-workers default: one task per core, at least 2 (tasks often wait on I/O). */
export function defaultMaxWorkers(): number {
  return Math.max(2, Math.min(16, os.availableParallelism()));
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

// The `tsflow` command line. Exit codes: 0 success, 1 the run failed, 2 bad input (a lint
// error, a bad parameter, a missing file, an unknown pathspec), each with a message naming what
// is wrong. Anything else that escapes is a tsflow bug and is shown with its stack.

import { CorruptDataError, StorageError, UserError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Command } from './common.js';
import { checkCommand } from './commands/check.js';
import { dumpCommand } from './commands/dump.js';
import { logsCommand } from './commands/logs.js';
import { resumeCommand } from './commands/resume.js';
import { runsCommand } from './commands/runs.js';
import { graphCommand } from './commands/graph.js';
import { deleteCommand, gcCommand, tagCommand } from './commands/housekeeping.js';
import { runCommand } from './commands/run.js';
import { showCommand } from './commands/show.js';
import { spinCommand } from './commands/spin.js';

const COMMANDS: Command[] = [
  runCommand,
  resumeCommand,
  spinCommand,
  showCommand,
  checkCommand,
  graphCommand,
  runsCommand,
  dumpCommand,
  logsCommand,
  tagCommand,
  deleteCommand,
  gcCommand,
];

export function registerCommand(cmd: Command): void {
  COMMANDS.push(cmd);
}

function topHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `tsflow ${VERSION}: Metaflow for TypeScript`,
    '',
    'usage: tsflow COMMAND [ARGS] [--help]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    '',
    'PATHSPEC is Flow/run[/step[/task[/artifact]]]. `tsflow COMMAND --help` for details.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${topHelp()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`tsflow: unknown command '${name}'\n\n${topHelp()}\n`);
    return 2;
  }
  // Errors from the commands' own checks often name the command already (`run: …`): said once.
  const say = (message: string) =>
    process.stderr.write(
      `tsflow ${name}: ${message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message}\n`,
    );
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UserError) {
      say(err.message);
      return 2;
    }
    if (err instanceof CorruptDataError || err instanceof StorageError) {
      say(err.message);
      return 1;
    }
    throw err;
  }
}

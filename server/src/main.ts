// The standalone server: `tsflow-language-server --stdio` (the default), `--node-ipc`,
// `--socket=<port>` or `--pipe=<name>`, for VS Code and any other LSP editor.

import { createConnection } from 'vscode-languageserver/node';
import { SERVER_VERSION, startServer } from './server.js';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];

const HELP = `tsflow-language-server ${SERVER_VERSION}: the tsflow language server (LSP).

Usage: tsflow-language-server [--stdio | --node-ipc | --socket=<port> | --pipe=<name>]

Diagnostics, quick fixes, CodeLens, hover, go to definition, references, completion, rename and
document symbols for tsflow flows (classes that extend FlowSpec), plus the tsflow/graph request.
Talks over stdio unless another transport is given.
`;

export function main(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  // vscode-languageserver reads the transport from process.argv; stdio when none is given.
  if (!argv.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(`${t}=`))))
    process.argv.push('--stdio');
  const connection = createConnection();
  startServer(connection);
}

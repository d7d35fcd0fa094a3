// CodeLenses on each flow class: ▶ Run flow, Resume, Show DAG. The client implements the commands;
// the single argument says which flow of which file (protocol.ts, FlowCommandArgs).

import type { CodeLens } from 'vscode-languageserver';
import type { Analysis } from './documents.js';
import { flowViews } from './lookup.js';
import { Commands, type FlowCommandArgs } from './protocol.js';

export function codeLenses(analysis: Analysis | undefined): CodeLens[] {
  const out: CodeLens[] = [];
  for (const { graph } of flowViews(analysis)) {
    const args: FlowCommandArgs = { uri: analysis!.uri, file: analysis!.file, flow: graph.name };
    const lens = (title: string, command: string): CodeLens => ({
      range: graph.nameRange,
      command: { title, command, arguments: [args] },
    });
    out.push(
      lens('▶ Run flow', Commands.runFlow),
      lens('Resume', Commands.resumeFlow),
      lens('Show DAG', Commands.showDag),
    );
  }
  return out;
}

// The language server as an editor sees it, through the built bin over stdio. Prints figures;
// asserts nothing (the machine is shared). Targets: cold start to first diagnostics <= 1.5 s,
// p95 edit-to-diagnostics in a 1,000-line flow <= 50 ms, memory with 50 flow files open <= 200 MB.
//   npm run bench -- lsp            (builds first)
//   node --import tsx bench/lsp.ts [edits] [files]
//   TSFLOW_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' ...   flags for the server processes

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol';
import { wideFlow } from '../test/lsp/flows.js';
import { ROOT } from '../test/lsp/harness.js';
import { ensureBuilt, StdioServer } from '../test/lsp/stdio-client.js';

const EDITS = Number(process.argv[2] ?? 200);
const FILES = Number(process.argv[3] ?? 50);
const NODE_ARGS = process.env.TSFLOW_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

ensureBuilt();

/** A server, initialised; `initialized`: ms from `started` to the answer to `initialize`. */
async function startServer(started = performance.now()) {
  const server = new StdioServer(NODE_ARGS, 'inherit');
  await server.initialize();
  return Object.assign(server, { initialized: performance.now() - started });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** CPU time (user + system) a process has used, in ms (Linux /proc, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Offset → LSP position. */
function positionAt(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

// 1. Cold start: spawn → initialize → didOpen → first diagnostics, a few times.
const petsUri = pathToFileURL(path.join(ROOT, 'examples/petsflow.ts')).href;
const petsText = fs.readFileSync(path.join(ROOT, 'examples/petsflow.ts'), 'utf8');
const colds: number[] = [];
const inits: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const s = await startServer(t0);
  const first = s.diagnostics(petsUri, 1);
  await s.open(petsUri, petsText);
  await first;
  colds.push(performance.now() - t0);
  inits.push(s.initialized);
  await s.stop();
}
colds.sort((a, b) => a - b);
inits.sort((a, b) => a - b);
console.log(
  `cold start to first diagnostics (spawn, initialize, open PetsFlow; 5 runs): median ${percentile(colds, 0.5).toFixed(0)} ms, ` +
    `max ${colds[colds.length - 1]!.toFixed(0)} ms (initialize answered after median ${percentile(inits, 0.5).toFixed(0)} ms)`,
);

// 2. Edit → diagnostics in a 1,000-line flow: one keystroke at a time, each waited for.
{
  const s = await startServer();
  let text = wideFlow('BigFlow', 1000);
  const lines = text.split('\n').length;
  const uri = 'file:///bench/big-flow.ts';
  const first = s.diagnostics(uri, 1);
  await s.open(uri, text);
  const d0 = await first;
  if (d0.diagnostics.length > 0)
    throw new Error(`the bench flow has problems: ${d0.diagnostics[0]!.message}`);
  const latencies: number[] = [];
  let errors = 0;
  let typedAt = -1;
  const cpu0 = cpuMs(s.child.pid!);
  for (let v = 2; v < EDITS + 2; v++) {
    // Keystrokes in pairs: a space typed at a random place (sometimes inside a name or a string:
    // a syntax or lint error), then deleted again.
    let change: {
      range: { start: ReturnType<typeof positionAt>; end: ReturnType<typeof positionAt> };
      text: string;
    };
    if (typedAt < 0) {
      typedAt = Math.floor(Math.random() * text.length);
      const pos = positionAt(text, typedAt);
      change = { range: { start: pos, end: pos }, text: ' ' };
      text = `${text.slice(0, typedAt)} ${text.slice(typedAt)}`;
    } else {
      change = { range: { start: positionAt(text, typedAt), end: positionAt(text, typedAt + 1) }, text: '' };
      text = text.slice(0, typedAt) + text.slice(typedAt + 1);
      typedAt = -1;
    }
    const published = s.diagnostics(uri, v);
    const t0 = performance.now();
    await s.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: v },
      contentChanges: [change],
    });
    const d = await published;
    latencies.push(performance.now() - t0);
    if (d.diagnostics.length > 0) errors++;
    // A person types a few keys a second: leave the server idle in between, as an editor would.
    await new Promise((r) => setTimeout(r, 20));
  }
  const cpu = cpuMs(s.child.pid!) - cpu0;
  latencies.sort((a, b) => a - b);
  console.log(
    `edit to diagnostics in a ${lines}-line flow (${EDITS} keystrokes, ${errors} leaving a problem): ` +
      `median ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms, ` +
      `max ${latencies[latencies.length - 1]!.toFixed(1)} ms; server CPU ${(cpu / EDITS).toFixed(1)} ms per keystroke`,
  );
  await s.stop();
}

// 3. Memory with 50 flow files open (sizes from 60 to 1,000 lines), each analysed.
{
  const s = await startServer();
  const before = rssMb(s.child.pid!);
  let totalLines = 0;
  for (let i = 0; i < FILES; i++) {
    const text = wideFlow(`Flow${i}`, 60 + Math.round((940 * i) / Math.max(1, FILES - 1)));
    totalLines += text.split('\n').length;
    const uri = `file:///bench/flows/flow${i}.ts`;
    const done = s.diagnostics(uri, 1);
    await s.open(uri, text);
    await done;
  }
  // Let the graph notifications and any idle work run, then read the resident set.
  await new Promise((r) => setTimeout(r, 500));
  const after = rssMb(s.child.pid!);
  console.log(
    `memory with ${FILES} flow files open (${totalLines} lines in all): RSS ${after.toFixed(0)} MB ` +
      `(${before.toFixed(0)} MB after initialize)`,
  );
  await s.stop();
}

// The language server as an editor sees it, through the built bin over stdio. Prints figures;
// asserts nothing (the machine is shared). Targets: cold start to first diagnostics <= 1.5 s,
// p95 edit-to-diagnostics in a 1,000-line flow <= 50 ms, memory with 50 flow files open <= 200 MB.
//   npm run bench -- lsp            (builds first)
//   node --import tsx bench/lsp.ts [edits] [files]
//   TSFLOW_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' ...   flags for the server processes

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ShutdownRequest,
} from 'vscode-languageserver-protocol';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = path.join(ROOT, 'server/bin/tsflow-language-server.js');
const EDITS = Number(process.argv[2] ?? 200);
const FILES = Number(process.argv[3] ?? 50);

if (!fs.existsSync(path.join(ROOT, 'server/dist/main.js'))) {
  console.error('server/dist is missing: run `npm run build` (npm run bench builds first)');
  process.exit(2);
}

/** A realistic flow of about `lines` lines: parameters, decorators, a static split, a foreach, a switch. */
function flowSource(name: string, lines: number): string {
  const branches = Math.max(2, Math.round((lines - 60) / 15));
  const out = [
    "import { FlowSpec, type Inputs, Parameter, resources, retry, step, timeout } from 'tsflow';",
    '',
    `/** ${name}: a generated flow for benchmarks. */`,
    `export class ${name} extends FlowSpec {`,
    "  alpha = Parameter('alpha', { default: 0.5, help: 'a number' });",
    "  rows = Parameter('rows', { type: 'number', required: true });",
    '  items: number[] = [];',
    "  mode = 'fast';",
    '',
    '  @step start() {',
    '    this.items = Array.from({ length: 10 }, (_, i) => i);',
    `    this.next(${Array.from({ length: branches }, (_, i) => `this.b${i}`).join(', ')});`,
    '  }',
  ];
  for (let i = 0; i < branches; i++) {
    out.push(
      '',
      `  /** Branch ${i}. */`,
      '  @retry({ times: 2 })',
      '  @resources({ cpu: 2, memory: 4096 })',
      `  @step b${i}() {`,
      `    const values = this.items.map((v) => v * ${i} + this.alpha);`,
      '    let total = 0;',
      '    for (const v of values) {',
      '      if (v > 3) total += v;',
      '      else total -= v / 2;',
      '    }',
      `    this.total${i} = total;`,
      `    console.log(\`branch ${i}: \${this.total${i}}\`);`,
      '    this.next(this.join);',
      '  }',
    );
  }
  out.push(
    '',
    `  @step join(inputs: Inputs<${name}>) {`,
    '    this.mergeArtifacts(inputs);',
    '    this.next(this.spread);',
    '  }',
    '',
    '  @step spread() {',
    "    this.next(this.fan, { foreach: 'items' });",
    '  }',
    '',
    '  @timeout({ minutes: 5 })',
    '  @step fan() {',
    '    this.square = this.input * this.input;',
    '    this.next(this.gather);',
    '  }',
    '',
    `  @step gather(inputs: Inputs<${name}>) {`,
    '    this.squares = inputs.map((i) => i.square);',
    '    this.next(this.choose);',
    '  }',
    '',
    '  @step choose() {',
    "    this.next({ fast: this.quick, slow: this.careful }, { condition: 'mode' });",
    '  }',
    '',
    '  @step quick() {',
    '    this.next(this.end);',
    '  }',
    '',
    '  @step careful() {',
    '    this.next(this.end);',
    '  }',
    '',
    '  @step end() {}',
    '}',
    '',
  );
  return out.join('\n');
}

interface Server {
  child: ChildProcess;
  connection: ProtocolConnection;
  /** Resolves with the first diagnostics of `uri` at `version` or later. */
  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams>;
  stop(): Promise<void>;
}

async function startServer(started = performance.now()): Promise<Server & { initialized: number }> {
  const child = spawn(
    process.execPath,
    [...(process.env.TSFLOW_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), BIN, '--stdio'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const waiting = new Map<
    string,
    { version: number; resolve: (p: PublishDiagnosticsParams) => void; reject: (e: Error) => void }
  >();
  let exited: Error | undefined;
  child.once('exit', (code, signal) => {
    exited = new Error(`the server exited (code ${code}, signal ${signal}) before answering`);
    for (const w of waiting.values()) w.reject(exited);
    waiting.clear();
  });
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const w = waiting.get(p.uri);
    if (w && (p.version ?? 0) >= w.version) {
      waiting.delete(p.uri);
      w.resolve(p);
    }
  });
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
  });
  const initialized = performance.now() - started;
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    child,
    connection,
    initialized,
    diagnostics: (uri, version) =>
      new Promise((resolve, reject) => {
        if (exited) reject(exited);
        else waiting.set(uri, { version, resolve, reject });
      }),
    async stop() {
      await connection.sendRequest(ShutdownRequest.type);
      const exited = new Promise((r) => child.once('exit', r));
      await connection.sendNotification(ExitNotification.type);
      await exited;
      connection.dispose();
    },
  };
}

const open = (s: Server, uri: string, text: string) =>
  s.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'typescript', version: 1, text },
  });

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
  await open(s, petsUri, petsText);
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
  let text = flowSource('BigFlow', 1000);
  const lines = text.split('\n').length;
  const uri = 'file:///bench/big-flow.ts';
  const first = s.diagnostics(uri, 1);
  await open(s, uri, text);
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
    const text = flowSource(`Flow${i}`, 60 + Math.round((940 * i) / Math.max(1, FILES - 1)));
    totalLines += text.split('\n').length;
    const uri = `file:///bench/flows/flow${i}.ts`;
    const done = s.diagnostics(uri, 1);
    await open(s, uri, text);
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

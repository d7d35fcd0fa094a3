// Static analysis latency: `analyzeSource` on a ~1,000-line flow, once per simulated keystroke,
// parsed from scratch (as the CLI does) and incrementally (as the language server does, with
// member references). Prints figures; asserts nothing. Target: p95 <= 50 ms.
//   node --import tsx bench/graph.ts [edits]

import { analyzeSource, SourceTrees } from '../runtime/src/graph/index.js';
import { wideFlow } from '../test/lsp/flows.js';

/** Process CPU time in ms: unlike wall time, not inflated when other processes share the cores. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const edits = Number(process.argv[2] ?? 300);
const text = wideFlow('BigFlow', 1000);
const lines = text.split('\n').length;

let t0 = performance.now();
const first = analyzeSource('/bench/big.ts', text);
const cold = performance.now() - t0;
if (first.problems.length > 0) {
  console.error(first.problems.map((p) => `${p.line}: ${p.message}`).join('\n'));
  process.exit(1);
}

const line = (label: string, xs: number[]) => {
  xs.sort((a, b) => a - b);
  return (
    `${label}: p50 ${percentile(xs, 0.5).toFixed(1)} ms, p95 ${percentile(xs, 0.95).toFixed(1)} ms, ` +
    `max ${xs[xs.length - 1]!.toFixed(1)} ms`
  );
};
console.log(
  `analyzeSource on a ${lines}-line flow with ${first.flows[0]!.steps.length} steps, cold ${cold.toFixed(0)} ms, ` +
    `then ${edits} edits`,
);

// Keystrokes: insert a space at a random position each time (mostly whitespace-neutral, sometimes
// an error), the whole document re-analysed on every change.
function keystrokes(label: string, analyze: (text: string) => void): void {
  const wall: number[] = [];
  const cpu: number[] = [];
  let doc = text;
  analyze(doc);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(Math.random() * doc.length);
    doc = `${doc.slice(0, at)} ${doc.slice(at)}`;
    const c0 = cpuMs();
    t0 = performance.now();
    analyze(doc);
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  console.log(`  ${label}`);
  console.log(`    ${line('wall', wall)}`);
  console.log(`    ${line('cpu ', cpu)}`);
}

keystrokes('full parse (tsflow check)', (doc) => analyzeSource('/bench/big.ts', doc));
const trees = new SourceTrees();
keystrokes('incremental parse, with references (the language server)', (doc) =>
  analyzeSource('/bench/big.ts', doc, { references: true }, trees),
);

// Static analysis latency as the language server sees it: `analyzeSource` on a ~1,000-line flow,
// once per simulated keystroke. Prints figures; asserts nothing. Target: p95 <= 50 ms.
//   node --import tsx bench/graph.ts [edits]

import { analyzeSource } from '../runtime/src/graph/index.js';

/** A realistic large flow: decorators, a static split, a foreach, a switch, bodies with logic. */
function bigFlow(branches: number): string {
  const out: string[] = [
    "import { FlowSpec, type Inputs, Parameter, retry, resources, step, timeout } from 'tsflow';",
    '',
    '/** A wide flow for benchmarks. */',
    'export class BigFlow extends FlowSpec {',
    "  alpha = Parameter('alpha', { default: 0.5, help: 'a number' });",
    "  rows = Parameter('rows', { type: 'number', required: true });",
    '  items: number[] = [];',
    '  mode = "fast";',
    '',
    `  @step start() {`,
    '    this.items = Array.from({ length: 10 }, (_, i) => i);',
    `    this.next(${Array.from({ length: branches }, (_, i) => `this.b${i}`).join(', ')});`,
    '  }',
  ];
  for (let i = 0; i < branches; i++) {
    out.push(
      '',
      `  /** Branch ${i}: computes a few statistics. */`,
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
      `    this.mean${i} = total / values.length;`,
      `    console.log(\`branch ${i}: \${this.mean${i}}\`);`,
      '    this.next(this.join);',
      '  }',
    );
  }
  out.push(
    '',
    '  @step join(inputs: Inputs<BigFlow>) {',
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
    '  @step gather(inputs: Inputs<BigFlow>) {',
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

/** Process CPU time in ms: unlike wall time, not inflated when other processes share the cores. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const edits = Number(process.argv[2] ?? 300);
const text = bigFlow(62);
const lines = text.split('\n').length;

let t0 = performance.now();
const first = analyzeSource('/bench/big.ts', text);
const cold = performance.now() - t0;
if (first.problems.length > 0) {
  console.error(first.problems.map((p) => `${p.line}: ${p.message}`).join('\n'));
  process.exit(1);
}

// Keystrokes: insert a space at a random position each time (mostly whitespace-neutral, sometimes
// an error), as the language server re-analyses the whole document on every change.
const wall: number[] = [];
const cpu: number[] = [];
let doc = text;
for (let i = 0; i < edits; i++) {
  const at = Math.floor(Math.random() * doc.length);
  doc = `${doc.slice(0, at)} ${doc.slice(at)}`;
  const c0 = cpuMs();
  t0 = performance.now();
  analyzeSource('/bench/big.ts', doc);
  wall.push(performance.now() - t0);
  cpu.push(cpuMs() - c0);
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
console.log(`  ${line('wall', wall)}`);
console.log(`  ${line('cpu ', cpu)}`);

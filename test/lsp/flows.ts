// Flows for the tests and benchmarks: one that exercises every step kind (the feature tests), and
// a generator of large ones.

export const SHOP = `import { FlowSpec, type Inputs, Parameter, retry, step } from 'tsflow';

/** Prices some baskets. */
export class ShopFlow extends FlowSpec {
  rate = Parameter('rate', { default: 0.2, help: 'the tax rate' });
  baskets: number[][] = [];

  @step start() {
    this.baskets = [[1, 2], [3]];
    this.next(this.price, this.count);
  }

  /** Sums each basket. */
  @retry({ times: 2 })
  @step price() {
    this.totals = this.baskets.map((b) => b.reduce((x, y) => x + y, 0) * (1 + this.rate));
    this.next(this.merge);
  }

  @step count() {
    this.items = this.baskets.flat();
    this.next(this.merge);
  }

  @step merge(inputs: Inputs<ShopFlow>) {
    this.totals = inputs.price.totals;
    this.items = inputs.count.items;
    this.next(this.fan);
  }

  @step fan() {
    this.next(this.each, { foreach: 'items' });
  }

  @step each() {
    this.double = this.input * 2;
    this.next(this.gather);
  }

  @step gather(inputs: Inputs<ShopFlow>) {
    this.doubles = inputs.map((i) => i.double);
    this.mode = this.doubles.length > 2 ? 'big' : 'small';
    this.next(this.decide);
  }

  @step decide() {
    this.next({ big: this.report, small: this.end }, { condition: 'mode' });
  }

  @step report() {
    console.log(this.totals, this.doubles);
    this.next(this.end);
  }

  @step end() {}
}
`;

/**
 * A valid, realistic flow of `lines` lines or a few more (79 at least) with no problem: parameters,
 * decorators, a wide static split, a foreach, a switch. For benchmarks and large-file tests.
 */
export function wideFlow(name: string, lines: number): string {
  const branches = Math.max(2, Math.ceil((lines - 49) / 15)); // 49 lines around 15 per branch
  const out = [
    "import { FlowSpec, type Inputs, Parameter, resources, retry, step, timeout } from 'tsflow';",
    '',
    `/** ${name}: a generated flow. */`,
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

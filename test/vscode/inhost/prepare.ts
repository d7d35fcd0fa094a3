// Builds the in-host suite (build/inhost/: index.js + suite.test.js + untrusted.test.js, CommonJS, `vscode` and
// `mocha` left to the host and the repo's node_modules) and lays out its workspace.

import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

export async function buildInhostSuite(): Promise<string> {
  const out = path.join(repoRoot, 'build', 'inhost');
  fs.rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: {
      index: path.join(import.meta.dirname, 'index.ts'),
      'suite.test': path.join(import.meta.dirname, 'suite.test.ts'),
      'untrusted.test': path.join(import.meta.dirname, 'untrusted.test.ts'),
    },
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "commonjs" }\n');
  return out;
}

/** A linear flow of `n` steps (start, s1 … s(n-2), end). */
export function linearFlow(name: string, n: number): string {
  const mids = Array.from({ length: n - 2 }, (_, i) => `s${i + 1}`);
  const chain = ['start', ...mids, 'end'];
  const steps = chain.map((s, i) =>
    s === 'end' ? '  @step end() {}' : `  @step ${s}() {\n    this.next(this.${chain[i + 1]});\n  }`,
  );
  return `import { FlowSpec, step } from 'tsflow';\n\nexport class ${name} extends FlowSpec {\n${steps.join('\n\n')}\n}\n`;
}

export function makeInhostWorkspace(dir: string): string {
  fs.mkdirSync(path.join(dir, 'examples'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'flows'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'examples', 'petsflow.ts'), path.join(dir, 'examples', 'petsflow.ts'));
  fs.writeFileSync(path.join(dir, 'flows', 'ten.ts'), linearFlow('TenFlow', 10));
  fs.writeFileSync(path.join(dir, 'flows', 'hundred.ts'), linearFlow('HundredFlow', 100));
  return dir;
}

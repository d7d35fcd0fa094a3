// The CLI's static commands and its bad-input contract: exit 2 with a message naming what is wrong.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO, example, runIdOf, show, tempDir, tsflow } from './helpers.ts';

const fixture = (name: string) => path.join(REPO, 'test/fixtures/lint', name);

/** `// expect: rule` markers of a fixture, as 1-based lines. */
function expectations(file: string): { rule: string; line: number }[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, i) =>
      [...text.matchAll(/expect: ([a-z-]+)/g)].map((m) => ({ rule: m[1]!, line: i + 1 })),
    );
}

describe('check', () => {
  test('a valid flow: exit 0 and a one-line summary', async () => {
    const r = await tsflow(['check', example('petsflow.ts')]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /✓ PetsFlow: 5 steps, no problems/);
  });

  test('every lint fixture: exit 2, each problem printed as file:line:col with its rule', async () => {
    const files = fs
      .readdirSync(path.join(REPO, 'test/fixtures/lint'))
      .filter((f) => !f.startsWith('valid-'));
    assert.ok(files.length >= 25, `only ${files.length} fixtures`);
    for (const name of files) {
      const file = fixture(name);
      const r = await tsflow(['check', file]);
      assert.equal(r.code, 2, `${name}: ${show(r)}`);
      for (const { rule, line } of expectations(file)) {
        const rel = path.relative(REPO, file);
        assert.ok(
          r.stderr.includes(`${rel}:${line}:`) && r.stderr.includes(`[${rule}]`),
          `${name}: expected ${rel}:${line}: ... [${rule}] in\n${r.stderr}`,
        );
      }
    }
  });

  test('--json follows the documented schema', async () => {
    const r = await tsflow(['check', fixture('unknown-target.ts'), '--json']);
    assert.equal(r.code, 2, show(r));
    const out = JSON.parse(r.stdout);
    assert.equal(out.schema, 1);
    assert.equal(out.ok, false);
    const p = out.problems.find((x: { rule: string }) => x.rule === 'unknown-target');
    assert.ok(p, r.stdout);
    assert.equal(typeof p.line, 'number');
    assert.equal(typeof p.range.start.character, 'number');
  });

  test('run refuses a flow with lint errors: exit 2, all problems, nothing recorded', async () => {
    const root = tempDir();
    const r = await tsflow(['run', fixture('cycle.ts')], { root });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /\[cycle\]/);
    assert.deepEqual(fs.readdirSync(root), []);
  });
});

describe('show and graph', () => {
  test('show lists parameters and each step with its successors', async () => {
    const r = await tsflow(['show', example('petsflow.ts')]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /parameter --alpha = 0\.5 {2}a number/);
    assert.match(r.stdout, /Step start {2}\(split-static\)\n {4}=> a, b/);
    assert.match(r.stdout, /Step join {2}\(join\)\n {4}=> end/);
  });

  test('graph --format json|mermaid|dot', async () => {
    const json = await tsflow(['graph', example('petstats.ts'), '--format', 'json']);
    assert.equal(json.code, 0, show(json));
    const g = JSON.parse(json.stdout);
    assert.equal(g.name, 'PetStatsFlow');
    assert.deepEqual(
      g.steps.map((s: { name: string; kind: string }) => `${s.name}:${s.kind}`),
      ['start:split-foreach', 'measure:linear', 'gather:join', 'end:end'],
    );
    const mermaid = await tsflow(['graph', example('petstats.ts'), '--format', 'mermaid']);
    assert.match(mermaid.stdout, /flowchart/);
    assert.match(mermaid.stdout, /foreach pets/);
    const dot = await tsflow(['graph', example('petstats.ts'), '--format', 'dot']);
    assert.match(dot.stdout, /digraph/);
    const bad = await tsflow(['graph', example('petstats.ts'), '--format', 'svg']);
    assert.equal(bad.code, 2);
    // The command is named once.
    assert.equal(bad.stderr, "tsflow graph: --format must be json, mermaid or dot, not 'svg'\n");
  });

  test('a bad option value names the command once', async () => {
    const r = await tsflow(['run', example('petsflow.ts'), '--max-workers', '0']);
    assert.equal(r.code, 2, show(r));
    assert.equal(r.stderr, "tsflow run: --max-workers must be a whole number of at least 1, got '0'\n");
  });
});

describe('bad input', () => {
  test('a missing file exits 2 naming it', async () => {
    for (const cmd of ['run', 'check', 'show', 'graph']) {
      const r = await tsflow([cmd, 'no/such/flow.ts']);
      assert.equal(r.code, 2, `${cmd}: ${show(r)}`);
      assert.match(r.stderr, /no such file: no\/such\/flow\.ts/);
    }
  });

  test('an unknown command or option exits 2', async () => {
    const a = await tsflow(['rnu']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown command 'rnu'/);
    const b = await tsflow(['check', example('petsflow.ts'), '--jsn']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /unknown option --jsn/);
  });

  test('--help works for every command and run --help lists the flow parameters', async () => {
    for (const cmd of ['run', 'show', 'check', 'graph', 'runs', 'dump', 'logs']) {
      const r = await tsflow([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd}: ${show(r)}`);
      assert.match(r.stdout, new RegExp(`usage: tsflow ${cmd}`));
    }
    const r = await tsflow(['run', example('petsflow.ts'), '--help']);
    assert.match(r.stdout, /parameters of PetsFlow:\n {2}--alpha NUMBER +a number \(default: 0\.5\)/);
  });
});

test('a flow file anywhere on disk runs with no node_modules beside it', async () => {
  const dir = tempDir('tsflow-anywhere-');
  const helper = path.join(dir, 'lib');
  fs.mkdirSync(helper);
  fs.writeFileSync(
    path.join(helper, 'names.ts'),
    "export const extra = (n: number): string[] => Array.from({ length: n }, (_, i) => 'pet' + i);\n",
  );
  fs.writeFileSync(
    path.join(dir, 'flow.ts'),
    fs
      .readFileSync(example('petsflow.ts'), 'utf8')
      .replace('import { FlowSpec', "import { extra } from './lib/names';\nimport { FlowSpec")
      .replace(
        "this.pets = ['lions', 'wolves', 'elephants'];",
        "this.pets = ['lions', 'wolves', 'elephants', ...extra(2)];",
      ),
  );
  const r = await tsflow(['run', 'flow.ts'], { cwd: dir });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /total of 8 pets/);
  assert.ok(
    fs.existsSync(path.join(dir, '.tsflow/PetsFlow', runIdOf(r))),
    'the datastore defaults to ./.tsflow',
  );
  assert.equal(fs.existsSync(path.join(dir, 'node_modules')), false);
});

test('a blob whose bytes no longer match its hash is reported, never used', async () => {
  const root = tempDir();
  const r = await tsflow(['run', example('petsflow.ts')], { root });
  assert.equal(r.code, 0, show(r));
  const runId = runIdOf(r);
  const manifest = JSON.parse(
    fs.readFileSync(path.join(root, 'PetsFlow', runId, 'join/4/0.data.json'), 'utf8'),
  );
  const sha: string = manifest.artifacts.pets.sha;
  const blob = path.join(root, 'PetsFlow/data', sha.slice(0, 2), sha);
  const bytes = fs.readFileSync(blob);
  const at = bytes.length - 3;
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
  fs.writeFileSync(blob, bytes);
  const dump = await tsflow(['dump', `PetsFlow/${runId}/join/4/pets`], { root });
  assert.equal(dump.code, 1, show(dump));
  assert.ok(dump.stderr.includes(blob), `names the file:\n${dump.stderr}`);
  assert.match(dump.stderr, /'pets'/);
  assert.match(dump.stderr, new RegExp(`PetsFlow/${runId}/join/4`));
  assert.doesNotMatch(dump.stdout, /dogs/);
});

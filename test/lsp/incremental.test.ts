// The language server parses each keystroke incrementally (SourceTrees, from the previous tree of
// the document); the CLI parses from scratch. Both must see the same file: after every one of
// thousands of random edits, the incremental analysis (graphs, every problem with its range,
// member references) equals a full one.
//   TSFLOW_FUZZ_SEED=random TSFLOW_INCREMENTAL_EDITS=20000 npm test -- test/lsp/incremental.test.ts
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSource, SourceTrees } from '../../runtime/src/graph/index.js';
import { changeRange } from '../../runtime/src/graph/source.js';
import { prng } from '../support/prng.js';
import { fuzzSeed, pick, randomEdit } from './edits.js';
import { SHOP, wideFlow } from './flows.js';
import { EXAMPLES } from './harness.js';

const EDITS = Number(process.env.TSFLOW_INCREMENTAL_EDITS ?? 2000);
const SEED = fuzzSeed(20_261_126);

describe('incremental parsing', () => {
  it(`gives the analysis a full parse gives, after every edit (${EDITS} edits, seed ${SEED})`, () => {
    const rand = prng(SEED);
    const docs = [
      ...fs
        .readdirSync(EXAMPLES)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => ({
          file: path.join(EXAMPLES, f),
          original: fs.readFileSync(path.join(EXAMPLES, f), 'utf8'),
        })),
      { file: '/tmp/lsp/shop.ts', original: SHOP },
      { file: '/tmp/lsp/wide.tsx', original: wideFlow('WideFlow', 300) },
    ].map((d) => ({ ...d, text: d.original }));
    // Fewer trees than documents: evictions and full parses are mixed in with incremental ones.
    const trees = new SourceTrees(3);
    const history: string[] = [];
    for (let i = 0; i < EDITS; i++) {
      const doc = pick(rand, docs);
      const { change, text } = randomEdit(rand, doc.text, doc.original);
      doc.text = text;
      history.push(`${doc.file} ${JSON.stringify(change).slice(0, 200)}`);
      if (history.length > 10) history.shift();
      const incremental = analyzeSource(doc.file, text, { references: true }, trees);
      const full = analyzeSource(doc.file, text, { references: true });
      assert.deepEqual(incremental, full, `seed ${SEED}, edit ${i}; last edits:\n${history.join('\n')}`);
    }
  });

  it('finds the one changed span, also in runs of the same character', () => {
    const span = (a: string, b: string) => {
      const r = changeRange(a, b);
      return [r.span.start, r.span.length, r.newLength];
    };
    assert.deepEqual(span('abc', 'abc'), [3, 0, 0]);
    assert.deepEqual(span('aaaa', 'aaa'), [3, 1, 0]);
    assert.deepEqual(span('aaa', 'aaaa'), [3, 0, 1]);
    assert.deepEqual(span('abXcd', 'abYYcd'), [2, 1, 2]);
    assert.deepEqual(span('', 'x'), [0, 0, 1]);
    assert.deepEqual(span('abc', ''), [0, 3, 0]);
  });

  it('keeps a tree per recent file and reuses it for the same text', () => {
    const trees = new SourceTrees(2);
    const a = trees.parse('/a.ts', SHOP);
    assert.equal(trees.parse('/a.ts', SHOP), a);
    trees.parse('/b.ts', SHOP);
    trees.parse('/c.ts', SHOP); // evicts /a.ts, the least recently used
    assert.notEqual(trees.parse('/a.ts', SHOP), a);
    const b = trees.parse('/b.ts', SHOP.replace('price', 'cost'));
    assert.equal(b.text, SHOP.replace('price', 'cost'));
    trees.forget('/b.ts');
    assert.notEqual(trees.parse('/b.ts', b.text), b);
  });
});

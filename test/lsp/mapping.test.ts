import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Analysis } from '../../server/src/documents.js';
import { between } from '../../server/src/mapping.js';

const analysis = (version: number, text: string): Analysis => ({
  uri: 'file:///m.ts',
  file: '/m.ts',
  version,
  text,
  flowFile: true,
  result: null,
  syntaxErrors: false,
});

describe('mapping positions across an edited region', () => {
  const old = 'line one\nclass A extends FlowSpec {\n  @step start() {}\n}\n';
  const now = 'line one\nclass A extends Flo {\n\n  @step start() {}\n}\n';
  const m = between(analysis(2, now), analysis(1, old));

  it('keeps positions before the edit, shifts those after it, and drops those inside', () => {
    assert.deepEqual(m.toAnalysis({ line: 0, character: 3 }), { line: 0, character: 3 });
    assert.deepEqual(m.toAnalysis({ line: 3, character: 8 }), { line: 2, character: 8 });
    assert.equal(m.toAnalysis({ line: 1, character: 20 }), undefined);
  });

  it('maps ranges back only when both ends are outside the edit', () => {
    const step = { start: { line: 2, character: 8 }, end: { line: 2, character: 13 } };
    assert.deepEqual(m.toCurrent(step), {
      start: { line: 3, character: 8 },
      end: { line: 3, character: 13 },
    });
    const whole = { start: { line: 0, character: 0 }, end: { line: 3, character: 1 } };
    assert.deepEqual(m.toCurrent(whole), {
      start: { line: 0, character: 0 },
      end: { line: 4, character: 1 },
    });
    const inside = { start: { line: 1, character: 16 }, end: { line: 1, character: 24 } };
    assert.equal(m.toCurrent(inside), undefined);
    assert.equal(m.analysis.version, 1);
  });
});

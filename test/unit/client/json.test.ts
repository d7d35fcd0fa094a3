import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { artifactToJSON, type Task } from '../../../runtime/src/client/index.js';
import type { FlowSpec } from '../../../runtime/src/flow/spec.js';

describe('artifactToJSON', () => {
  it('passes JSON values through', () => {
    const v = { a: 1, b: 'x', c: [true, null, { d: -2.5 }] };
    assert.deepEqual(artifactToJSON(v), v);
  });

  it('marks what JSON cannot hold', () => {
    assert.deepEqual(artifactToJSON(undefined), { $undefined: true });
    assert.deepEqual(artifactToJSON(12345678901234567890n), { $bigint: '12345678901234567890' });
    assert.deepEqual(artifactToJSON([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]), [
      { $number: 'NaN' },
      { $number: 'Infinity' },
      { $number: '-Infinity' },
    ]);
    assert.equal(artifactToJSON(new Date('2024-05-06T07:08:09.123Z')), '2024-05-06T07:08:09.123Z');
    assert.deepEqual(artifactToJSON(new Date(Number.NaN)), { $date: 'Invalid Date' });
    assert.deepEqual(artifactToJSON(/ab+c/gi), { $regexp: '/ab+c/gi' });
    assert.deepEqual(
      artifactToJSON(
        new Map<unknown, unknown>([
          ['k', 1],
          [2, new Set([3n])],
        ]),
      ),
      {
        $map: [
          ['k', 1],
          [2, { $set: [{ $bigint: '3' }] }],
        ],
      },
    );
    const err = artifactToJSON(new TypeError('bad')) as {
      $error: { name: string; message: string; stack?: string };
    };
    assert.equal(err.$error.name, 'TypeError');
    assert.equal(err.$error.message, 'bad');
    assert.match(err.$error.stack ?? '', /TypeError: bad/);
    // biome-ignore lint/suspicious/noSparseArray: holes print as null
    assert.deepEqual(artifactToJSON([1, , 3]), [1, null, 3]);
    assert.deepEqual(artifactToJSON({ u: undefined }), { u: { $undefined: true } });
  });

  it('summarizes binary values: type, length and the first values', () => {
    assert.deepEqual(artifactToJSON(new Float64Array([1.5, Number.NaN])), {
      $type: 'Float64Array',
      length: 2,
      values: [1.5, { $number: 'NaN' }],
    });
    assert.deepEqual(artifactToJSON(Buffer.from('hi')), { $type: 'Buffer', length: 2, values: [104, 105] });
    assert.deepEqual(artifactToJSON(new BigInt64Array([-1n])), {
      $type: 'BigInt64Array',
      length: 1,
      values: ['-1'],
    });
    assert.deepEqual(artifactToJSON(new Uint8Array([1, 2]).buffer), {
      $type: 'ArrayBuffer',
      length: 2,
      values: [1, 2],
    });
    assert.deepEqual(artifactToJSON(new DataView(new Uint8Array([7]).buffer)), {
      $type: 'DataView',
      length: 1,
      values: [7],
    });
    const big = artifactToJSON(new Int32Array(5000)) as {
      values: number[];
      length: number;
      truncated: boolean;
    };
    assert.equal(big.length, 5000);
    assert.equal(big.values.length, 1000);
    assert.equal(big.truncated, true);
    const few = artifactToJSON(new Int32Array(10), { maxTypedItems: 3 }) as { values: number[] };
    assert.equal(few.values.length, 3);
  });

  it('cuts long containers and strings when asked', () => {
    assert.deepEqual(artifactToJSON([1, 2, 3, 4], { maxItems: 2 }), [1, 2, { $more: 2 }]);
    assert.deepEqual(artifactToJSON(new Set([1, 2, 3]), { maxItems: 1 }), { $set: [1, { $more: 2 }] });
    assert.deepEqual(artifactToJSON({ a: 1, b: 2, c: 3 }, { maxItems: 2 }), { a: 1, b: 2, $more: 1 });
    assert.equal(artifactToJSON('abcdef', { maxStringLength: 3 }), 'abc…');
  });

  it('turns cycles into references to where the value sits', () => {
    const a: Record<string, unknown> = { name: 'a', list: [] };
    (a.list as unknown[]).push(a);
    a.map = new Map([['self', a]]);
    assert.deepEqual(artifactToJSON(a), {
      name: 'a',
      list: [{ $circular: '$' }],
      map: { $map: [['self', { $circular: '$' }]] },
    });
    const shared = { s: 1 };
    assert.deepEqual(artifactToJSON([shared, shared]), [{ s: 1 }, { s: 1 }], 'shared is not circular');
  });

  it('the output is always valid JSON', () => {
    const value = { m: new Map([[1n, new Float32Array([Number.NaN])]]), d: new Date(0), u: undefined };
    const json = artifactToJSON(value);
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });
});

describe('client typing and boundaries', () => {
  it('Task<F> types data from a FlowSpec subclass (compile-time)', () => {
    abstract class PetsFlow extends (Object as unknown as abstract new () => FlowSpec) {
      pets: string[] = [];
      alpha = 0.5;
      abstract start(): void;
    }
    const check = (t: Task<PetsFlow>) => {
      const pets: Promise<string[]> = t.data.pets;
      const alpha: Promise<number> = t.data.alpha;
      // @ts-expect-error FlowSpec members are not artifacts
      void t.data.next;
      // @ts-expect-error steps are not artifacts
      void t.data.start;
      return [pets, alpha];
    };
    assert.equal(typeof check, 'function');
  });

  it('client modules import neither the TypeScript compiler nor the flow/graph runtime (type-only imports are fine)', () => {
    const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../runtime/src/client');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const src = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of src.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        const [, , typeOnly, from] = m;
        assert.ok(from !== 'typescript' && from !== 'ts-morph', `${file} imports the TypeScript compiler`);
        if (/\/(flow|graph|runtime|cli|compute)\//.test(from!)) {
          assert.ok(typeOnly, `${file} imports ${from} at run time`);
        }
      }
    }
  });
});

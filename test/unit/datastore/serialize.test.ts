import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFlowStore } from '../../../runtime/src/datastore/root.js';
import {
  describeType,
  deserializeValue,
  findUnserializable,
  serializeValue,
} from '../../../runtime/src/datastore/serialize.js';
import type { FlowStore } from '../../../runtime/src/datastore/types.js';
import { ArtifactSerializationError } from '../../../runtime/src/errors.js';

let tmp: string;
let store: FlowStore;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-serialize-'));
  store = openFlowStore(tmp, 'SerFlow');
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ctx = { artifact: 'thing', pathspec: 'SerFlow/17/train/4' };

/** Saves and loads through the real store, both async and sync. */
async function roundTrip(
  value: unknown,
): Promise<{ back: unknown; backSync: unknown; encoding: string; type: string }> {
  const ref = await store.saveArtifact(value, ctx);
  return {
    back: await store.loadArtifact(ref, ctx),
    backSync: store.loadArtifactSync(ref, ctx),
    encoding: ref.encoding,
    type: ref.type,
  };
}

describe('serialization round trip', () => {
  it('keeps Map, Set, Date, BigInt, RegExp, undefined, -0, NaN and nesting', async () => {
    const value = {
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, new Set([1n, 2n])],
      ]),
      set: new Set(['x', { y: [1, 2] }]),
      date: new Date('2024-05-06T07:08:09.123Z'),
      big: 12345678901234567890123n,
      re: /ab+c/gi,
      undef: undefined,
      negZero: -0,
      nan: Number.NaN,
      // biome-ignore lint/suspicious/noSparseArray: the hole is what is being tested
      sparse: [1, , 3],
      nested: { deep: [{ deeper: new Map([['k', [new Date(0)]]]) }] },
      err: new RangeError('too far'),
    };
    const { back, backSync, encoding, type } = await roundTrip(value);
    assert.equal(encoding, 'v8');
    assert.equal(type, 'Object');
    for (const b of [back, backSync]) {
      assert.deepEqual(b, value);
      const v = b as typeof value;
      assert.ok(
        v.map instanceof Map && v.set instanceof Set && v.date instanceof Date && v.re instanceof RegExp,
      );
      assert.equal(v.re.flags, 'gi');
      assert.ok(Object.is(v.negZero, -0));
      assert.ok(!(1 in v.sparse), 'hole kept');
      assert.ok('undef' in v);
      assert.ok(v.err instanceof RangeError && v.err.message === 'too far');
    }
  });

  it('keeps cycles and shared references', async () => {
    const shared = { s: 1 };
    const a: Record<string, unknown> = { shared, again: shared };
    a.self = a;
    const { back } = await roundTrip(a);
    const b = back as typeof a;
    assert.equal(b.self, b);
    assert.equal(b.shared, b.again);
  });

  it('stores top-level binary values raw and gives back the same type', async () => {
    const cases: [unknown, string, string][] = [
      [Buffer.from('hello'), 'raw:Buffer', 'Buffer(5)'],
      [new Float64Array([1.5, -2, Number.NaN]), 'raw:Float64Array', 'Float64Array(3)'],
      [new Float32Array([1, 2]), 'raw:Float32Array', 'Float32Array(2)'],
      [new Int8Array([-1, 2]), 'raw:Int8Array', 'Int8Array(2)'],
      [new Uint8Array([1, 255]), 'raw:Uint8Array', 'Uint8Array(2)'],
      [new Uint8ClampedArray([3]), 'raw:Uint8ClampedArray', 'Uint8ClampedArray(1)'],
      [new Int16Array([-300]), 'raw:Int16Array', 'Int16Array(1)'],
      [new Uint16Array([60000]), 'raw:Uint16Array', 'Uint16Array(1)'],
      [new Int32Array([-7]), 'raw:Int32Array', 'Int32Array(1)'],
      [new Uint32Array([7]), 'raw:Uint32Array', 'Uint32Array(1)'],
      [new BigInt64Array([-5n]), 'raw:BigInt64Array', 'BigInt64Array(1)'],
      [new BigUint64Array([5n]), 'raw:BigUint64Array', 'BigUint64Array(1)'],
      [new Uint8Array([9, 8, 7]).buffer, 'raw:ArrayBuffer', 'ArrayBuffer(3)'],
      [new DataView(new Uint8Array([4, 5]).buffer), 'raw:DataView', 'DataView(2)'],
    ];
    for (const [value, encoding, type] of cases) {
      const r = await roundTrip(value);
      assert.equal(r.encoding, encoding);
      assert.equal(r.type, type);
      for (const b of [r.back, r.backSync]) {
        assert.equal(Object.getPrototypeOf(b), Object.getPrototypeOf(value), `${type} keeps its type`);
        assert.deepEqual(b, value);
      }
    }
  });

  it('raw encoding of a view stores only the viewed bytes', async () => {
    const big = new Float64Array([0, 1, 2, 3, 4, 5]);
    const view = big.subarray(2, 4);
    const { back } = await roundTrip(view);
    assert.deepEqual([...(back as Float64Array)], [2, 3]);
  });

  it('Buffers and typed arrays nested in a value come back with their types', async () => {
    const value = {
      buf: Buffer.from('x'),
      list: [new Float64Array([1, 2]), new Uint16Array([3])],
      ab: new ArrayBuffer(2),
    };
    const { back } = await roundTrip(value);
    const b = back as typeof value;
    assert.ok(Buffer.isBuffer(b.buf));
    assert.ok(b.list[0] instanceof Float64Array);
    assert.ok(b.list[1] instanceof Uint16Array);
    assert.ok(b.ab instanceof ArrayBuffer);
    assert.deepEqual(b, value);
  });

  it('large values round-trip (compressed and uncompressed blobs)', async () => {
    const text = 'all work and no play '.repeat(100_000); // compressible
    const noise = new Float64Array(300_000).map(() => Math.random()); // not compressible
    const objects = Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `n${i}`, v: i / 3 }));
    for (const value of [text, noise, objects]) {
      const { back, backSync } = await roundTrip(value);
      assert.deepEqual(back, value);
      assert.deepEqual(backSync, value);
    }
  });

  it('data-only class instances are stored as their fields', async () => {
    class Point {
      x = 1;
      y = 2;
    }
    const { back } = await roundTrip({ p: new Point() });
    assert.deepEqual(back, { p: { x: 1, y: 2 } });
  });
});

describe('unserializable values', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'a function',
      { model: { predict: (x: number) => x } },
      /thing\.model\.predict is a function \(predict\)/,
    ],
    ['a Symbol', [1, Symbol('s')], /thing\[1\] is a Symbol \(s\)/],
    ['a WeakMap', { cache: new WeakMap() }, /thing\.cache is a WeakMap/],
    ['a Promise', new Map([['later', Promise.resolve(1)]]), /thing\.get\("later"\) is a Promise \(await it/],
    [
      'a class instance with methods',
      {
        models: [
          new (class Model {
            w = 1;
            predict() {
              return this.w;
            }
          })(),
        ],
      },
      /thing\.models\[0\] is an instance of class Model, which has methods or accessors \(predict\)/,
    ],
    ['a function at top level', () => 1, /thing is a function/],
    ['a WeakSet in a Set', new Set([1, new WeakSet()]), /thing \(Set element #1\) is a WeakSet/],
  ];
  for (const [label, value, message] of cases) {
    it(`refuses ${label}, naming the artifact, the step and where`, async () => {
      await assert.rejects(
        () => store.saveArtifact(value, ctx),
        (e: unknown) => {
          assert.ok(e instanceof ArtifactSerializationError, String(e));
          assert.match(e.message, /artifact 'thing' of SerFlow\/17\/train\/4/);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }

  it('reports a class with methods with advice to store plain data', () => {
    class Model {
      get size() {
        return 1;
      }
    }
    assert.throws(
      () => serializeValue(new Model(), ctx),
      /Model, which has methods or accessors \(size\).*drops the class.*Store plain data/s,
    );
  });

  it('cycles do not hang the check', () => {
    const a: Record<string, unknown> = {};
    a.a = a;
    a.list = [a, new Map([[a, a]])];
    assert.equal(findUnserializable(a), null);
  });

  it('unknown encodings are reported, not guessed', () => {
    assert.throws(() => deserializeValue(Buffer.from('x'), 'pickle-v4', ctx), /unknown encoding 'pickle-v4'/);
  });
});

describe('describeType', () => {
  it('names values for listings', () => {
    assert.equal(describeType(1), 'number');
    assert.equal(describeType('s'), 'string');
    assert.equal(describeType(null), 'null');
    assert.equal(describeType(undefined), 'undefined');
    assert.equal(describeType(1n), 'bigint');
    assert.equal(describeType(true), 'boolean');
    assert.equal(describeType([1, 2, 3, 4, 5, 6]), 'Array(6)');
    assert.equal(describeType(new Map([[1, 2]])), 'Map(1)');
    assert.equal(describeType(new Set()), 'Set(0)');
    assert.equal(describeType(new Float64Array(100)), 'Float64Array(100)');
    assert.equal(describeType(Buffer.alloc(3)), 'Buffer(3)');
    assert.equal(describeType(new Date()), 'Date');
    assert.equal(describeType({}), 'Object');
    assert.equal(describeType(Object.create(null)), 'Object');
    assert.equal(describeType(new TypeError('x')), 'TypeError');
    class Point {}
    assert.equal(describeType(new Point()), 'Point');
  });
});

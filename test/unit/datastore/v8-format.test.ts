// Small values are read and written in V8's serialization format without node:v8: the same values
// come back as v8.deserialize gives them, v8.deserialize reads what is written, and anything else
// is left to node:v8 (never guessed).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import v8 from 'node:v8';
import { decodeSimple, encodeSimple } from '../../../runtime/src/datastore/v8-format.ts';

const primitives: unknown[] = [
  0,
  1,
  -1,
  63,
  64,
  -65,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  -0,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.MIN_VALUE,
  '',
  'a',
  'café',
  '\u00ff',
  '\u0100',
  'x\u0100',
  '\u{1F600}',
  '\uD800 lone',
  'é'.repeat(300),
  'long '.repeat(5000),
  true,
  false,
  null,
  undefined,
];

/** Equal as v8.deserialize's results are (NaN and -0 included). */
function same(a: unknown, b: unknown): void {
  if (!Object.is(a, b)) assert.deepStrictEqual(a, b);
}

test('every primitive written here is read back by v8.deserialize as itself', () => {
  for (const v of primitives) {
    const bytes = encodeSimple(v);
    assert.ok(bytes, `${String(v)} is simple`);
    assert.ok(Object.is(v8.deserialize(bytes), v), `${JSON.stringify(v)}`);
  }
});

test("small integers and Latin-1 strings get v8.serialize's very bytes (the same blob as before)", () => {
  for (const v of [
    0,
    1,
    -1,
    1000,
    2 ** 31 - 1,
    -(2 ** 31),
    1.5,
    -0,
    '',
    'café',
    '\u0100x',
    '\u{1F600}',
    true,
    null,
  ])
    assert.deepEqual(encodeSimple(v), v8.serialize(v), JSON.stringify(v));
});

test('what v8.serialize writes for simple values is read here as v8.deserialize reads it', () => {
  const values: unknown[] = [
    ...primitives,
    [],
    [1, 2, 3],
    [1.5, -0, Number.NaN],
    ['a', 'é', '\u{1F600}', null, undefined, true],
    { a: 1, b: 'x', c: [1, { d: null }] },
    { 1: 'one', b: 2, 0: 'zero' },
    Array.from({ length: 1000 }, (_, i) => i * 3),
    { nested: { deeper: { deepest: [[[]]] } } },
  ];
  for (const v of values) {
    const got = decodeSimple(v8.serialize(v));
    assert.ok(got, `read here: ${JSON.stringify(v)?.slice(0, 60)}`);
    same(got.value, v8.deserialize(v8.serialize(v)));
  }
});

test('anything else is left to node:v8', () => {
  const shared = { x: 1 };
  const arrayWithName = Object.assign([1, 2], { extra: 5 });
  const others: unknown[] = [
    new Map([[1, 2]]),
    new Set([1]),
    new Date(0),
    /x/g,
    10n,
    new Float64Array(2),
    Buffer.from('ab'),
    Object.assign([1], { 2: 3 }),
    [shared, shared],
    arrayWithName,
    new Error('boom'),
    JSON.parse('{"__proto__": 1}'),
  ];
  for (const v of others) assert.equal(decodeSimple(v8.serialize(v)), undefined, String(v));
  for (const v of [Symbol('s'), () => 1, 10n, {}, []]) assert.equal(encodeSimple(v), undefined);
});

test('damaged or foreign bytes are never read as a value', () => {
  const good = v8.serialize({ a: [1, 'two', 3.5] });
  for (let cut = 0; cut < good.length; cut++)
    assert.equal(decodeSimple(good.subarray(0, cut)), undefined, `cut at ${cut}`);
  assert.equal(decodeSimple(Buffer.concat([good, Buffer.from([0x49, 0x02])])), undefined, 'trailing bytes');
  assert.equal(decodeSimple(Buffer.from([0xff, 0x0e, 0x49, 0x02])), undefined, 'another format version');
  assert.equal(decodeSimple(Buffer.from([0x49, 0x02])), undefined, 'no header');
});

test('a task saving and reading simple values does not load node:v8', () => {
  const script = path.join(import.meta.dirname, 'helpers', 'simple-values.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { roundTrip: true, v8Loaded: false, afterMap: true });
});

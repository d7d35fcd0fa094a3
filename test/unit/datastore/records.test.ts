// Large arrays of same-shape records are stored as columns and come back exactly as they were;
// everything else keeps structured clone.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserializeValue, serializeValue } from '../../../runtime/src/datastore/serialize.ts';

const ctx = { artifact: 'rows', pathspec: 'F/1/start/1' };
const roundTrip = (v: unknown) => {
  const s = serializeValue(v, ctx);
  return { encoding: s.encoding, back: deserializeValue(s.bytes, s.encoding, ctx) };
};

test('an array of 10^4 records of numbers, strings and booleans: columns, exact round trip', () => {
  const rows = Array.from({ length: 10_000 }, (_, i) => ({
    id: i,
    name: i % 7 === 0 ? `ünïcödé ${i} \u{1F600} \uD800` : `n${i}`,
    v: i === 3 ? -0 : i === 4 ? Number.NaN : i === 5 ? Number.POSITIVE_INFINITY : i / 3,
    ok: i % 2 === 0,
    big: 2 ** 53 - i,
  }));
  const { encoding, back } = roundTrip(rows);
  assert.equal(encoding, 'records:v1');
  assert.deepEqual(back, rows);
  assert.ok(Object.is((back as { v: number }[])[3]!.v, -0));
  assert.deepEqual(Object.keys((back as object[])[0]!), ['id', 'name', 'v', 'ok', 'big']);
});

test('latin-1 text stays one byte per character', () => {
  const rows = Array.from({ length: 2000 }, (_, i) => ({ name: `café ${i}` }));
  const s = serializeValue(rows, ctx);
  assert.equal(s.encoding, 'records:v1');
  assert.ok(s.bytes.byteLength < 2000 * 16, `${s.bytes.byteLength} bytes`);
  assert.deepEqual(deserializeValue(s.bytes, s.encoding, ctx), rows);
});

test('a wide character after the first few thousand Latin-1 strings switches the column to UTF-16', () => {
  // Text is written a few thousand strings at a time: the wide one arrives after Latin-1 bytes.
  const rows = Array.from({ length: 10_000 }, (_, i) => ({
    i,
    name: i === 9000 ? `wide \u0100 ${i}` : `n${i}`,
  }));
  const s = serializeValue(rows, ctx);
  assert.equal(s.encoding, 'records:v1');
  assert.deepEqual(deserializeValue(s.bytes, s.encoding, ctx), rows);
});

test('strings that change length between two reads (a getter) still come back whole', () => {
  // The text is gathered in a second pass, after the lengths: a getter answering a different
  // length the second time must not shift every later string's boundaries.
  let calls = 0;
  const rows = Array.from({ length: 2000 }, (_, i) => ({
    i,
    get name() {
      calls++;
      return String(calls % 3).repeat(1 + (calls % 3));
    },
  }));
  const s = serializeValue(rows, ctx);
  const back = deserializeValue(s.bytes, s.encoding, ctx) as { i: number; name: string }[];
  assert.equal(back.length, 2000);
  for (const r of back) assert.match(r.name, /^(0|11|222)$/, `record ${r.i}: '${r.name}'`);
});

for (const [label, make] of [
  ['a null value', () => Array.from({ length: 2000 }, (_, i) => ({ a: i === 5 ? null : i }))],
  ['a column of mixed types', () => Array.from({ length: 2000 }, (_, i) => ({ a: i === 5 ? 'x' : i }))],
  [
    'records of different shapes',
    () => Array.from({ length: 2000 }, (_, i) => (i === 9 ? { b: 1 } : { a: i })),
  ],
  [
    'keys in another order',
    () => Array.from({ length: 2000 }, (_, i) => (i === 9 ? { b: 1, a: 2 } : { a: i, b: i })),
  ],
  ['a nested value', () => Array.from({ length: 2000 }, (_, i) => ({ a: [i] }))],
  [
    'a hole',
    () =>
      Object.assign(new Array(2000).fill({ a: 1 }), { 7: undefined }).map((x, i) =>
        i === 7 ? undefined : x,
      ),
  ],
  [
    'an own __proto__ key',
    () => Array.from({ length: 2000 }, (_, i) => JSON.parse(`{"__proto__": ${i}, "a": 1}`)),
  ],
  ['a small array', () => Array.from({ length: 10 }, (_, i) => ({ a: i }))],
] as const) {
  test(`structured clone keeps ${label} exact`, () => {
    const value = (make as () => unknown)();
    const { encoding, back } = roundTrip(value);
    assert.equal(encoding, 'v8');
    assert.deepEqual(back, value);
  });
}

test('records with a prototype are not taken for plain records (and are refused as before)', () => {
  const rows = Array.from({ length: 2000 }, (_, i) => Object.assign(Object.create({ x() {} }), { a: i }));
  assert.throws(() => serializeValue(rows, ctx), /rows\[0\] is an instance of class/);
});

// Dictionary columns (records:v2): a string column whose values repeat stores each value once.
const species = ['setosa', 'versicolor', 'virginica', 'ünïcödé', ''];

test('a string column of repeated values is stored as a dictionary: records:v2, exact, smaller', () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => ({
    id: i,
    species: species[(i * 7) % species.length]!,
    name: `n${i}`,
  }));
  const s = serializeValue(rows, ctx);
  assert.equal(s.encoding, 'records:v2');
  const back = deserializeValue(s.bytes, s.encoding, ctx) as typeof rows;
  assert.deepEqual(back, rows);
  assert.deepEqual(Object.keys(back[0]!), ['id', 'species', 'name']);
  // Per record: the id (8 bytes), the species' index (4), the name's length (4) and characters;
  // the species' text is stored once, not per record (it would add ~150 KB).
  const nameChars = rows.reduce((n, r) => n + r.name.length, 0);
  assert.ok(s.bytes.byteLength < 20_000 * 16 + nameChars + 1024, `${s.bytes.byteLength} bytes`);
});

test('a dictionary of wide characters is stored as UTF-16 and comes back exact', () => {
  const words = ['αβγ', '\u{1F600}', 'plain', '\uD800 lone'];
  const rows = Array.from({ length: 5000 }, (_, i) => ({ w: words[i % words.length]! }));
  const s = serializeValue(rows, ctx);
  assert.equal(s.encoding, 'records:v2');
  assert.deepEqual(deserializeValue(s.bytes, s.encoding, ctx), rows);
});

test('values that repeat in the first rows only, then are all distinct, keep plain text (records:v1)', () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ tag: i < 5000 ? 'early' : `late ${i}` }));
  const s = serializeValue(rows, ctx);
  assert.equal(s.encoding, 'records:v1');
  assert.deepEqual(deserializeValue(s.bytes, s.encoding, ctx), rows);
});

test('a dictionary index that names no entry is an error naming the column, never a missing value', () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ i, kind: species[i % 3]! }));
  const s = serializeValue(rows, ctx);
  assert.equal(s.encoding, 'records:v2');
  const bytes = Buffer.from(s.bytes);
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)) as {
    columns: { key: string; offset: number; dict?: { count: number } }[];
  };
  const kind = header.columns.find((c) => c.key === 'kind')!;
  const start = Math.ceil((4 + headerLength) / 8) * 8;
  bytes.writeUInt32LE(kind.dict!.count, start + kind.offset + 4 * 1234);
  assert.throws(
    () => deserializeValue(bytes, s.encoding, ctx),
    /'rows' .*"kind": record 1234 names entry 3 of 3/,
  );
});

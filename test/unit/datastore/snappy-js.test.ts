// The JavaScript snappy decoder reads exactly what the native addon writes.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { snappyUncompress } from '../../../runtime/src/datastore/snappy-js.ts';

const snappy = createRequire(import.meta.url)('snappy') as typeof import('snappy');

function samples(): [string, Buffer][] {
  const ramp = Buffer.from(Float64Array.from({ length: 50_000 }, (_, i) => i).buffer);
  let seed = 7;
  const random = Buffer.alloc(200_000);
  for (let i = 0; i < random.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    random[i] = seed >>> 24;
  }
  return [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from([42])],
    ['text', Buffer.from('hello tsflow '.repeat(5000))],
    ['zeros (long overlapping copies)', Buffer.alloc(1 << 20)],
    ['float ramp', ramp],
    ['random (literals)', random],
    ['json', Buffer.from(JSON.stringify(Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `n${i}` }))))],
  ];
}

for (const [name, input] of samples()) {
  test(`decodes native snappy output: ${name}`, () => {
    const packed = snappy.compressSync(input);
    assert.ok(snappyUncompress(packed).equals(input));
  });
}

test('refuses damaged input instead of returning garbage', () => {
  const packed = snappy.compressSync(Buffer.from('abcdefgh'.repeat(100)));
  const bad = Buffer.from(packed);
  bad[bad.length - 1] = 0xff;
  bad[bad.length - 2] = 0xff;
  assert.throws(() => snappyUncompress(bad), /snappy:/);
  assert.throws(() => snappyUncompress(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80])), /snappy:/);
});

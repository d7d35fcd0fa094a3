// The JavaScript SHA-256 that names small blobs must agree with node:crypto byte for byte.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { JS_SHA256_MAX_BYTES, sha256Hex, sha256HexJs } from '../../../runtime/src/util/sha256.js';

const native = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('sha256HexJs matches node:crypto at every length around the block and padding boundaries', () => {
  for (let n = 0; n <= 300; n++) {
    const bytes = randomBytes(n);
    assert.equal(sha256HexJs(bytes), native(bytes), `length ${n}`);
  }
  for (const n of [511, 512, 1023, 1024, 4095, 4096, 4097, 65_536, 100_003]) {
    const bytes = randomBytes(n);
    assert.equal(sha256HexJs(bytes), native(bytes), `length ${n}`);
  }
});

test('sha256HexJs hashes a view at its own offset and length', () => {
  const whole = randomBytes(200);
  const view = whole.subarray(17, 150);
  assert.equal(sha256HexJs(view), native(view));
});

test('known digests', () => {
  assert.equal(
    sha256HexJs(new Uint8Array()),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  assert.equal(
    sha256HexJs(Buffer.from('abc')),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});

test('sha256Hex gives the same digest on both sides of the JavaScript limit', () => {
  for (const n of [JS_SHA256_MAX_BYTES, JS_SHA256_MAX_BYTES + 1, 1 << 20]) {
    const bytes = randomBytes(n);
    assert.equal(sha256Hex(bytes), native(bytes), `length ${n}`);
  }
});

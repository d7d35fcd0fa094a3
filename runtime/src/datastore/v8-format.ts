// The bytes `v8.serialize` writes (V8's serialization format, version 15) for the small values a
// trivial task saves and reads (a number, a string, a short array or plain object of them), read
// and written here in JavaScript. Loading node:v8 pulls in Node's stream modules: ~4 ms of a
// trivial task's ~80 ms of CPU, spent only to encode a number. Anything else (Map, Set, Date,
// BigInt, typed arrays, sparse arrays, an object met twice, a tag this file does not know) is left
// to node:v8 itself: `encodeSimple` and `decodeSimple` answer undefined, never a guess.
//
// Format: 0xFF and the version (a varint), then one value. Tags used here: 'I' zigzag varint
// (int32), 'N' float64 LE, '"' varint length + Latin-1, 'c' varint byte length + UTF-16LE (after
// an optional '\0' padding tag that aligns it), 'T' 'F' '0' (null) '_' (undefined), 'A' dense
// array (varint length, the elements, '$' varint property count, varint length), 'o' object (key,
// value pairs, '{' varint property count).

import { fitsLatin1 } from '../util/latin1.js';

const VERSION = 15;

const TAG = {
  padding: 0x00,
  int32: 0x49, // I
  double: 0x4e, // N
  oneByte: 0x22, // "
  twoByte: 0x63, // c
  true: 0x54, // T
  false: 0x46, // F
  null: 0x30, // 0
  undefined: 0x5f, // _
  denseArray: 0x41, // A
  endDenseArray: 0x24, // $
  object: 0x6f, // o
  endObject: 0x7b, // {
} as const;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}

/** `v8.serialize(value)`'s bytes for a primitive (BigInt and symbols aside), or undefined for anything else. */
export function encodeSimple(value: unknown): Buffer | undefined {
  switch (typeof value) {
    case 'number': {
      if (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff && !Object.is(value, -0)) {
        const zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
        const out = Buffer.allocUnsafe(3 + varintSize(zigzag));
        out[0] = 0xff;
        out[1] = VERSION;
        out[2] = TAG.int32;
        writeVarint(out, 3, zigzag);
        return out;
      }
      const out = Buffer.allocUnsafe(11);
      out[0] = 0xff;
      out[1] = VERSION;
      out[2] = TAG.double;
      out.writeDoubleLE(value, 3);
      return out;
    }
    case 'string': {
      if (fitsLatin1(value)) {
        const at = 3 + varintSize(value.length);
        const out = Buffer.allocUnsafe(at + value.length);
        out[0] = 0xff;
        out[1] = VERSION;
        out[2] = TAG.oneByte;
        writeVarint(out, 3, value.length);
        out.write(value, at, 'latin1');
        return out;
      }
      // Two-byte characters start at an even offset: V8 pads before the tag when they would not.
      const bytes = 2 * value.length;
      const pad = (2 + 1 + varintSize(bytes)) & 1;
      const at = 2 + pad + 1 + varintSize(bytes);
      const out = Buffer.allocUnsafe(at + bytes);
      out[0] = 0xff;
      out[1] = VERSION;
      if (pad) out[2] = TAG.padding;
      out[2 + pad] = TAG.twoByte;
      writeVarint(out, 3 + pad, bytes);
      out.write(value, at, 'utf16le');
      return out;
    }
    case 'boolean':
      return Buffer.from([0xff, VERSION, value ? TAG.true : TAG.false]);
    case 'undefined':
      return Buffer.from([0xff, VERSION, TAG.undefined]);
    case 'object':
      return value === null ? Buffer.from([0xff, VERSION, TAG.null]) : undefined;
    default:
      return undefined;
  }
}

/** Thrown inside the reader for anything it leaves to node:v8. */
const UNKNOWN = Symbol('unknown');

/** Deep enough for any flow's data, shallow enough never to overflow the stack. */
const MAX_DEPTH = 64;

/**
 * The value `v8.deserialize(bytes)` would give, when the bytes hold only what this file reads;
 * otherwise undefined (then `{ value }` is not returned and node:v8 must read them).
 */
export function decodeSimple(bytes: Uint8Array): { value: unknown } | undefined {
  let at = 0;
  const end = bytes.byteLength;
  const byte = (): number => {
    if (at >= end) throw UNKNOWN;
    return bytes[at++]!;
  };
  const varint = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 49) throw UNKNOWN;
    }
  };
  const text = (length: number, encoding: 'latin1' | 'utf16le'): string => {
    if (length > end - at) throw UNKNOWN;
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + at, length).toString(encoding);
    at += length;
    return s;
  };
  const read = (depth: number): unknown => {
    let tag = byte();
    while (tag === TAG.padding) tag = byte();
    switch (tag) {
      case TAG.int32: {
        const z = varint();
        if (z > 0xffffffff) throw UNKNOWN;
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case TAG.double: {
        if (end - at < 8) throw UNKNOWN;
        const v = Buffer.from(bytes.buffer, bytes.byteOffset + at, 8).readDoubleLE(0);
        at += 8;
        return v;
      }
      case TAG.oneByte:
        return text(varint(), 'latin1');
      case TAG.twoByte: {
        const length = varint();
        if (length % 2 !== 0) throw UNKNOWN;
        return text(length, 'utf16le');
      }
      case TAG.true:
        return true;
      case TAG.false:
        return false;
      case TAG.null:
        return null;
      case TAG.undefined:
        return undefined;
      case TAG.denseArray: {
        if (depth >= MAX_DEPTH) throw UNKNOWN;
        const length = varint();
        if (length > end - at) throw UNKNOWN; // each element takes a byte at least
        const out = new Array<unknown>(length);
        for (let i = 0; i < length; i++) out[i] = read(depth + 1);
        // Named properties on the array, or a hole: node:v8's business.
        if (byte() !== TAG.endDenseArray || varint() !== 0 || varint() !== length) throw UNKNOWN;
        return out;
      }
      case TAG.object: {
        if (depth >= MAX_DEPTH) throw UNKNOWN;
        const out: Record<string, unknown> = {};
        let count = 0;
        for (;;) {
          if (at < end && bytes[at] === TAG.endObject) {
            at++;
            if (varint() !== count) throw UNKNOWN;
            return out;
          }
          const key = read(depth + 1);
          if (typeof key !== 'string' && typeof key !== 'number') throw UNKNOWN;
          // `__proto__` as a key would set the prototype here; V8 defines an own property.
          if (key === '__proto__') throw UNKNOWN;
          out[key] = read(depth + 1);
          count++;
        }
      }
      default:
        throw UNKNOWN;
    }
  };
  try {
    if (byte() !== 0xff) return undefined;
    // Other versions (another Node's) differ in places: node:v8 reads them.
    if (varint() !== VERSION) return undefined;
    const value = read(0);
    return at === end ? { value } : undefined;
  } catch (e) {
    if (e === UNKNOWN) return undefined;
    throw e;
  }
}

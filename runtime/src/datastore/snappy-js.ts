// A pure-JavaScript decoder for raw snappy blocks, used where the native `snappy` addon cannot
// be loaded (a Batch container running the bundled code package has no node_modules). Writers
// without the addon simply store blobs uncompressed; readers must still read what others wrote.
// Format: a varint of the uncompressed length, then elements: literals (tag 00) and copies with
// 1-, 2- or 4-byte offsets (tags 01, 10, 11).

export function snappyUncompress(input: Uint8Array): Buffer {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new Error('snappy: bad length preamble');
    const b = input[pos++]!;
    length |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
  }
  length >>>= 0;
  const out = Buffer.allocUnsafe(length);
  let op = 0;
  while (pos < input.length) {
    const tag = input[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        len = 0;
        for (let i = 0; i < extra; i++) len |= input[pos++]! << (8 * i);
        len >>>= 0;
      }
      len += 1;
      if (pos + len > input.length || op + len > length) throw new Error('snappy: literal out of bounds');
      out.set(input.subarray(pos, pos + len), op);
      pos += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++]!;
    } else if (kind === 2) {
      len = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      len = (tag >>> 2) + 1;
      offset =
        (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    if (offset === 0 || offset > op || op + len > length) throw new Error('snappy: copy out of bounds');
    // Copies may overlap their own output (run-length style), so byte by byte.
    for (let i = 0; i < len; i++, op++) out[op] = out[op - offset]!;
  }
  if (op !== length) throw new Error(`snappy: ${op} bytes decoded, ${length} announced`);
  return out;
}

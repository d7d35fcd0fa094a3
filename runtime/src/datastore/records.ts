// A columnar encoding for the commonest large artifact of data work: an array of plain records
// of one shape (`[{ id: 1, name: 'a', v: 0.5 }, ...]`). Structured clone (`v8.serialize`) walks
// such an array object by object at 30-40 MB/s here and reads it back slower still; stored as
// columns (numbers as one Float64Array, strings as one string plus lengths), the same value is
// written and rebuilt several times faster. Anything else (mixed shapes, nulls, nested values,
// class instances, small arrays) keeps structured clone. One difference: a named property set on
// the array object itself (`rows.meta = 'x'`) is not kept, because finding one costs more than the
// whole encoding (it means listing a million index keys); keep such metadata in its own artifact.

export const RECORDS_ENCODING = 'records:v1';

/** Below this many records structured clone is fast enough. */
const MIN_RECORDS = 1000;

type ColumnType = 'number' | 'string' | 'boolean';

interface ColumnHeader {
  key: string;
  type: ColumnType;
  /** Byte offset of the column's values (numbers, booleans) or of its string lengths. */
  offset: number;
  /** For strings: where the characters are, how many bytes, and how they are encoded. */
  textOffset?: number;
  textBytes?: number;
  text?: 'latin1' | 'utf16le';
}

interface Header {
  n: number;
  columns: ColumnHeader[];
}

function columnType(v: unknown): ColumnType | undefined {
  const t = typeof v;
  return t === 'number' || t === 'string' || t === 'boolean' ? t : undefined;
}

/** The shape of `value[0]` if `value` is a large array whose first element is a plain record of primitives. */
function firstShape(value: unknown): Shape | undefined {
  if (!Array.isArray(value) || value.length < MIN_RECORDS) return undefined;
  const first: unknown = value[0];
  if (typeof first !== 'object' || first === null || Object.getPrototypeOf(first) !== Object.prototype)
    return undefined;
  const keys = Object.keys(first);
  if (keys.length === 0 || Object.getOwnPropertySymbols(first).length > 0) return undefined;
  // An own '__proto__' key would set the prototype when rebuilt from an object literal.
  if (keys.includes('__proto__')) return undefined;
  const types: ColumnType[] = [];
  for (const k of keys) {
    const t = columnType((first as Record<string, unknown>)[k]);
    if (!t) return undefined;
    types.push(t);
  }
  return { keys, types };
}

interface Shape {
  keys: string[];
  types: ColumnType[];
}

/**
 * Generated functions, kept per shape for the life of the process. Beyond saving the compile,
 * one function per shape keeps what V8 learnt about it: after one large decode its record
 * literal is allocated straight in the old generation (allocation-site pretenuring), so the
 * next artifact of that shape (a join reading its inputs) skips the young-generation copies.
 */
const generated = new Map<string, unknown>();

function cachedFunction<F>(kind: string, key: unknown, make: () => F): F {
  const id = `${kind}\0${JSON.stringify(key)}`;
  let f = generated.get(id) as F | undefined;
  if (!f) {
    // Shapes are few in practice; a process cycling through many still stays bounded.
    if (generated.size >= 64) generated.clear();
    f = make();
    generated.set(id, f);
  }
  return f;
}

/** Per column: numbers, booleans as 0/1, or the strings' lengths (the text is gathered in a second pass). */
type Column = Float64Array | Uint8Array | Uint32Array;

/**
 * A function, generated for one shape, that checks every record has exactly that shape and fills
 * the columns in the same pass (for strings, their lengths). Generated so that every property
 * read names its key literally: a read through a variable key is a generic lookup, several times
 * slower over a million records. Keys enter the code only as JSON string literals. Returns the
 * total length of each string column (0 for the others), or undefined when a record differs.
 */
function columnFiller(shape: Shape): (rows: unknown[], cols: Column[]) => number[] | undefined {
  const body = shape.keys.map((k, j) => {
    const read = `const v${j} = r[${JSON.stringify(k)}]; if (typeof v${j} !== '${shape.types[j]}') return undefined;`;
    const type = shape.types[j];
    if (type === 'number') return `${read} c${j}[i] = v${j};`;
    if (type === 'boolean') return `${read} c${j}[i] = v${j} ? 1 : 0;`;
    return `${read} c${j}[i] = v${j}.length; n${j} += v${j}.length;`;
  });
  const code = `
    const [${shape.keys.map((_, j) => `c${j}`).join(', ')}] = cols;
    let ${shape.keys.map((_, j) => `n${j} = 0`).join(', ')};
    const keys = ${JSON.stringify(shape.keys)};
    const plain = Object.prototype;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (typeof r !== 'object' || r === null || Object.getPrototypeOf(r) !== plain) return undefined;
      // The same keys in the same order (for-in walks a record's cached key list, no allocation).
      let j = 0;
      for (const k in r) {
        if (k !== keys[j]) return undefined;
        j++;
      }
      if (j !== ${shape.keys.length}) return undefined;
      ${body.join('\n      ')}
    }
    return [${shape.keys.map((_, j) => `n${j}`).join(', ')}];`;
  return new Function('rows', 'cols', code) as (rows: unknown[], cols: Column[]) => number[] | undefined;
}

/** Strings concatenated per chunk: one write per chunk instead of one per string or one giant join. */
const TEXT_CHUNK = 4096;

type TextWriter = (
  rows: unknown[],
  lengths: Uint32Array,
  out: Buffer,
  encoding: 'latin1' | 'utf16le',
) => number;

/**
 * A function, generated for one string column, that writes the column's strings one after the
 * other into `out` and returns how many bytes it wrote, -1 when asked for Latin-1 and a
 * character does not fit in one byte, or -2 when a string is not the length measured before. A few thousand strings are concatenated and written at
 * once: joining a million strings into one costs several times more, and a native write per
 * string more still. The key enters the code only as a JSON string literal.
 */
function textWriter(key: string): TextWriter {
  const code = `
    const wide = /[^\\u0000-\\u00ff]/;
    let at = 0;
    for (let i = 0; i < rows.length; i += ${TEXT_CHUNK}) {
      const end = Math.min(rows.length, i + ${TEXT_CHUNK});
      let s = '';
      for (let k = i; k < end; k++) {
        const v = rows[k][${JSON.stringify(key)}];
        if (typeof v !== 'string' || v.length !== lengths[k]) return -2;
        s += v;
      }
      if (encoding === 'latin1' && wide.test(s)) return -1;
      at += out.write(s, at, encoding);
    }
    return at;`;
  return new Function('rows', 'lengths', 'out', 'encoding', code) as TextWriter;
}

/**
 * A string column's text: Latin-1 keeps one byte per character where it can; UTF-16 keeps every
 * code unit (lone surrogates included), which UTF-8 would not. Undefined if a string changed
 * length since it was measured (a getter that answers differently each time): the lengths
 * column would not describe the text.
 */
function columnText(
  rows: unknown[],
  key: string,
  lengths: Uint32Array,
  chars: number,
): { bytes: Buffer; text: 'latin1' | 'utf16le' } | undefined {
  const write = cachedFunction('text', key, () => textWriter(key));
  const narrow = Buffer.allocUnsafe(chars);
  const n = write(rows, lengths, narrow, 'latin1');
  if (n === chars) return { bytes: narrow, text: 'latin1' };
  if (n !== -1) return undefined;
  const wide = Buffer.allocUnsafe(2 * chars);
  return write(rows, lengths, wide, 'utf16le') === 2 * chars ? { bytes: wide, text: 'utf16le' } : undefined;
}

const align = (n: number, to: number) => Math.ceil(n / to) * to;

/** The columnar bytes of `value`, or undefined when it is not a large array of same-shape records. */
export function encodeRecords(value: unknown): Buffer | undefined {
  const shape = firstShape(value);
  if (!shape) return undefined;
  const rows = value as Record<string, unknown>[];
  const n = rows.length;
  const cols: Column[] = shape.types.map((t) =>
    t === 'number' ? new Float64Array(n) : t === 'boolean' ? new Uint8Array(n) : new Uint32Array(n),
  );
  const chars = cachedFunction('fill', shape, () => columnFiller(shape))(rows, cols);
  if (!chars) return undefined;
  // Accessors, non-enumerable or symbol keys would not survive (every record is an object now): only plain data records qualify.
  for (let i = 0; i < Math.min(n, 64); i++)
    if (Object.getOwnPropertySymbols(rows[i]!).length > 0) return undefined;
  const parts: { offset: number; bytes: Uint8Array }[] = [];
  const columns: ColumnHeader[] = [];
  let size = 0;
  const place = (bytes: Uint8Array, alignment: number): number => {
    size = align(size, alignment);
    const offset = size;
    parts.push({ offset, bytes });
    size += bytes.byteLength;
    return offset;
  };
  for (let j = 0; j < shape.keys.length; j++) {
    const key = shape.keys[j]!;
    const type = shape.types[j]!;
    const col = cols[j]!;
    if (type === 'string') {
      const text = columnText(rows, key, col as Uint32Array, chars[j]!);
      if (!text) return undefined;
      const offset = place(new Uint8Array(col.buffer), 4);
      const textOffset = place(text.bytes, 2);
      columns.push({ key, type, offset, textOffset, textBytes: text.bytes.byteLength, text: text.text });
    } else {
      columns.push({ key, type, offset: place(new Uint8Array(col.buffer), type === 'number' ? 8 : 1) });
    }
  }
  const header = Buffer.from(JSON.stringify({ n, columns } satisfies Header), 'utf8');
  const start = align(4 + header.byteLength, 8);
  const out = Buffer.allocUnsafe(start + size);
  out.fill(0, 0, start);
  out.writeUInt32LE(header.byteLength, 0);
  header.copy(out, 4);
  let at = 0;
  for (const p of parts) {
    // Alignment gaps are zeroed: the bytes (and so the blob's hash) depend on the value alone.
    out.fill(0, start + at, start + p.offset);
    out.set(p.bytes, start + p.offset);
    at = p.offset + p.bytes.byteLength;
  }
  return out;
}

/**
 * A function, generated for one set of columns, that builds every record as an object literal of
 * those keys: objects built from one literal share one shape from the start (about twice as fast
 * as adding keys one by one), and one loop in one function keeps every read monomorphic. Strings
 * are cut from their column's text as they are needed. Keys enter the code only as JSON literals.
 */
function recordBuilder(columns: ColumnHeader[]): (n: number, cols: unknown[]) => Record<string, unknown>[] {
  const setup: string[] = [];
  const fields: string[] = [];
  const after: string[] = [];
  columns.forEach((c, j) => {
    setup.push(`const c${j} = cols[${j}];`);
    if (c.type === 'number') fields.push(`${JSON.stringify(c.key)}: c${j}[i]`);
    else if (c.type === 'boolean') fields.push(`${JSON.stringify(c.key)}: c${j}[i] === 1`);
    else {
      setup.push(`const t${j} = cols[${j}].text, l${j} = cols[${j}].lengths; let a${j} = 0;`);
      fields.push(`${JSON.stringify(c.key)}: t${j}.slice(a${j}, (a${j} += l${j}[i]))`);
      after.push(
        `if (a${j} !== t${j}.length) throw new Error('column ' + ${JSON.stringify(JSON.stringify(c.key))} + ': ' + a${j} + ' characters described, ' + t${j}.length + ' stored');`,
      );
    }
  });
  const code = `
    ${setup.join('\n    ')}
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { ${fields.join(', ')} };
    ${after.join('\n    ')}
    return out;`;
  return new Function('n', 'cols', code) as (n: number, cols: unknown[]) => Record<string, unknown>[];
}

/** Inverse of `encodeRecords`. Throws on bytes that do not describe records. */
export function decodeRecords(bytes: Buffer): Record<string, unknown>[] {
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)) as Header;
  const start = align(4 + headerLength, 8);
  const { n } = header;
  // Typed-array views need aligned offsets: copy only when the bytes do not sit aligned already.
  let body = bytes.subarray(start);
  if (body.byteOffset % 8 !== 0) body = Buffer.from(body);
  const cols = header.columns.map((c) => {
    if (c.type === 'number') return new Float64Array(body.buffer, body.byteOffset + c.offset, n);
    if (c.type === 'boolean') return new Uint8Array(body.buffer, body.byteOffset + c.offset, n);
    return {
      lengths: new Uint32Array(body.buffer, body.byteOffset + c.offset, n),
      text: body.toString(c.text!, c.textOffset!, c.textOffset! + c.textBytes!),
    };
  });
  const build = cachedFunction(
    'build',
    header.columns.map((c) => [c.key, c.type]),
    () => recordBuilder(header.columns),
  );
  return build(n, cols);
}

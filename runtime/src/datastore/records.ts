// A columnar encoding for the commonest large artifact of data work: an array of plain records
// of one shape (`[{ id: 1, name: 'a', v: 0.5 }, ...]`). Structured clone (`v8.serialize`) walks
// such an array object by object at 30-40 MB/s here and reads it back slower still; stored as
// columns (numbers as one Float64Array, strings as one string plus lengths, or, when a column's
// values repeat, as a dictionary of its distinct values plus an index per record), the same value
// is written and rebuilt several times faster. Anything else (mixed shapes, nulls, nested values,
// class instances, small arrays) keeps structured clone. One difference: a named property set on
// the array object itself (`rows.meta = 'x'`) is not kept, because finding one costs more than the
// whole encoding (it means listing a million index keys); keep such metadata in its own artifact.

import { fitsLatin1 } from '../util/latin1.js';

export const RECORDS_ENCODING = 'records:v1';
/**
 * `records:v1` plus dictionary columns: a string column whose values repeat (categories, labels,
 * country codes) stores each distinct value once and an index per record, so a load makes each
 * string once instead of once per record. Written only when some column uses a dictionary, so a
 * value without one keeps its v1 bytes (and its blob).
 */
export const RECORDS_DICT_ENCODING = 'records:v2';

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
  /**
   * A dictionary column (records:v2): `offset` holds each record's index into the dictionary,
   * whose entries' lengths (u32) are at `dict.offset` and their characters at `textOffset`.
   */
  dict?: { count: number; offset: number };
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

/** Generated code reading column `j` of record `r` into `v<j>`, leaving the function when its type differs. */
function readValue(shape: Shape, j: number): string {
  return `const v${j} = r[${JSON.stringify(shape.keys[j])}]; if (typeof v${j} !== '${shape.types[j]}') return undefined;`;
}

/**
 * A function, generated for one shape, that checks every record has exactly that shape, and
 * returns the total length of each string column (0 for the others), or undefined when a record
 * differs. Generated so that every property read names its key literally: a read through a
 * variable key is a generic lookup, several times slower over a million records. Keys enter the
 * code only as JSON string literals.
 */
function shapeChecker(shape: Shape): (rows: unknown[]) => number[] | undefined {
  const body = shape.keys.map((_, j) => {
    const read = readValue(shape, j);
    return shape.types[j] === 'string' ? `${read} n${j} += v${j}.length;` : read;
  });
  const code = `
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
  return new Function('rows', code) as (rows: unknown[]) => number[] | undefined;
}

/**
 * The fixed-size part of a column, one element per record: numbers, booleans as 0/1, or the
 * strings' lengths. Each is aligned to its element size.
 */
const FIXED_PART = { number: Float64Array, boolean: Uint8Array, string: Uint32Array } as const;

type ColumnView = Float64Array | Uint8Array | Uint32Array;

/** A column's fixed-size part, viewed where it lies in `bytes` (a Buffer's memory: never shared). */
function fixedView(type: ColumnType, bytes: Buffer, byteOffset: number, n: number): ColumnView {
  return new FIXED_PART[type](bytes.buffer as ArrayBuffer, bytes.byteOffset + byteOffset, n);
}

/**
 * A function, generated for one shape, that writes every record's values into the columns'
 * views (for strings, their lengths) and returns each string column's total length again, or
 * undefined if a value changed type since the check (a getter).
 */
function columnFiller(shape: Shape): (rows: unknown[], cols: ColumnView[]) => number[] | undefined {
  const body = shape.keys.map((_, j) => {
    const read = readValue(shape, j);
    const type = shape.types[j];
    if (type === 'number') return `${read} c${j}[i] = v${j};`;
    if (type === 'boolean') return `${read} c${j}[i] = v${j} ? 1 : 0;`;
    return `${read} c${j}[i] = v${j}.length; n${j} += v${j}.length;`;
  });
  const code = `
    const [${shape.keys.map((_, j) => `c${j}`).join(', ')}] = cols;
    let ${shape.keys.map((_, j) => `n${j} = 0`).join(', ')};
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      ${body.join('\n      ')}
    }
    return [${shape.keys.map((_, j) => `n${j}`).join(', ')}];`;
  return new Function('rows', 'cols', code) as (rows: unknown[], cols: ColumnView[]) => number[] | undefined;
}

/** Strings concatenated per chunk: one write per chunk instead of one per string or one giant join. */
const TEXT_CHUNK = 4096;

type TextEncoding = 'latin1' | 'utf16le';

type TextWriter = (
  rows: unknown[],
  lengths: Uint32Array,
  out: Buffer,
  at: number,
  encoding: TextEncoding,
) => number;

/**
 * A function, generated for one string column, that writes the column's strings one after the
 * other into `out` from `at` and returns how many bytes it wrote, -1 when asked for Latin-1 and
 * a character does not fit in one byte, or -2 when a string is not the length measured before.
 * A few thousand strings are concatenated and written at once: joining a million strings into
 * one costs several times more, and a native write per string more still. The key enters the
 * code only as a JSON string literal.
 */
function textWriter(key: string): TextWriter {
  const code = `
    const from = at;
    for (let i = 0; i < rows.length; i += ${TEXT_CHUNK}) {
      const end = Math.min(rows.length, i + ${TEXT_CHUNK});
      let s = '';
      for (let k = i; k < end; k++) {
        const v = rows[k][${JSON.stringify(key)}];
        if (typeof v !== 'string' || v.length !== lengths[k]) return -2;
        s += v;
      }
      if (encoding === 'latin1' && !fitsLatin1(s)) return -1;
      at += out.write(s, at, encoding);
    }
    return at - from;`;
  // fitsLatin1 enters as an argument of the outer function: generated code sees no module scope.
  return new Function('fitsLatin1', `return (rows, lengths, out, at, encoding) => {${code}\n};`)(
    fitsLatin1,
  ) as TextWriter;
}

const align = (n: number, to: number) => Math.ceil(n / to) * to;

/** A string column's values as distinct entries and an index per record. */
interface Dictionary {
  indices: Uint32Array;
  entries: string[];
  /** Total length of the entries. */
  chars: number;
}

/** A dictionary is tried when the first rows hold at most one distinct value in DICT_RATIO... */
const DICT_SAMPLE = 1024;
/** ...and kept while the whole column holds at most one in DICT_RATIO. */
const DICT_RATIO = 8;

/**
 * A function, generated for one string column, that builds its dictionary, or returns undefined
 * once there are more than `limit` distinct values (or a value is not a string). The key enters
 * the code only as a JSON string literal.
 */
function dictionaryBuilder(key: string): (rows: unknown[], limit: number) => Dictionary | undefined {
  const code = `
    const index = new Map();
    const entries = [];
    const indices = new Uint32Array(rows.length);
    let chars = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i][${JSON.stringify(key)}];
      let k = index.get(v);
      if (k === undefined) {
        if (typeof v !== 'string' || entries.length >= limit) return undefined;
        k = entries.length;
        index.set(v, k);
        entries.push(v);
        chars += v.length;
      }
      indices[i] = k;
    }
    return { indices, entries, chars };`;
  return new Function('rows', 'limit', code) as (rows: unknown[], limit: number) => Dictionary | undefined;
}

/** The dictionary of string column `key` when its values repeat enough to be worth one. */
function dictionaryOf(rows: Record<string, unknown>[], key: string): Dictionary | undefined {
  const sample = Math.min(rows.length, DICT_SAMPLE);
  const seen = new Set<unknown>();
  for (let i = 0; i < sample; i++) seen.add(rows[i]![key]);
  if (seen.size * DICT_RATIO > sample) return undefined;
  const build = cachedFunction('dict', key, () => dictionaryBuilder(key));
  return build(rows, Math.floor(rows.length / DICT_RATIO));
}

/** Where everything goes: the header and, relative to the body's start, every column. */
function plan(
  shape: Shape,
  n: number,
  chars: number[],
  wide: ReadonlySet<number>,
  dicts: readonly (Dictionary | undefined)[],
) {
  const columns: ColumnHeader[] = [];
  let size = 0;
  const place = (bytes: number, alignment: number): number => {
    const offset = align(size, alignment);
    size = offset + bytes;
    return offset;
  };
  // Fixed-size parts first, then the text: an offset never depends on an earlier text's size.
  shape.keys.forEach((key, j) => {
    const type = shape.types[j]!;
    const width = FIXED_PART[type].BYTES_PER_ELEMENT;
    columns.push({ key, type, offset: place(width * n, width) });
  });
  dicts.forEach((d, j) => {
    if (d) columns[j]!.dict = { count: d.entries.length, offset: place(4 * d.entries.length, 4) };
  });
  shape.keys.forEach((_, j) => {
    if (shape.types[j] !== 'string') return;
    const text: TextEncoding = wide.has(j) ? 'utf16le' : 'latin1';
    const textBytes = (text === 'utf16le' ? 2 : 1) * (dicts[j]?.chars ?? chars[j]!);
    Object.assign(columns[j]!, { textOffset: place(textBytes, 2), textBytes, text });
  });
  const header = Buffer.from(JSON.stringify({ n, columns } satisfies Header), 'utf8');
  return { columns, header, start: align(4 + header.byteLength, 8), size };
}

/**
 * The columnar bytes of `value`, or undefined when it is not a large array of same-shape records.
 * Everything is written straight into the one output buffer: besides saving copies, this keeps
 * the encoder's off-heap allocations to the output itself, below the level at which V8 starts
 * marking the whole heap (a million freshly made records) for external memory pressure.
 */
export function encodeRecords(value: unknown): { bytes: Buffer; encoding: string } | undefined {
  const shape = firstShape(value);
  if (!shape) return undefined;
  const rows = value as Record<string, unknown>[];
  const n = rows.length;
  const chars = cachedFunction('check', shape, () => shapeChecker(shape))(rows);
  if (!chars) return undefined;
  // Accessors, non-enumerable or symbol keys would not survive (every record is an object now): only plain data records qualify.
  for (let i = 0; i < Math.min(n, 64); i++)
    if (Object.getOwnPropertySymbols(rows[i]!).length > 0) return undefined;
  const fill = cachedFunction('fill', shape, () => columnFiller(shape));
  const dicts = shape.keys.map((key, j) =>
    shape.types[j] === 'string' ? dictionaryOf(rows, key) : undefined,
  );
  // Text is tried as Latin-1 (one byte per character); a column found to need more is laid out
  // again as UTF-16, which keeps every code unit (lone surrogates included, unlike UTF-8).
  const wide = new Set<number>();
  for (;;) {
    const { columns, header, start, size } = plan(shape, n, chars, wide, dicts);
    const out = Buffer.allocUnsafeSlow(start + size);
    // Zeroed gaps (header padding, alignment): the bytes, and so the blob's hash, depend on the value alone.
    out.fill(0);
    out.writeUInt32LE(header.byteLength, 0);
    header.copy(out, 4);
    const views = columns.map((c) => fixedView(c.type, out, start + c.offset, n));
    const again = fill(rows, views);
    if (!again || again.some((c, j) => c !== chars[j])) return undefined; // a getter answered differently
    let retry = false;
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!;
      if (c.type !== 'string') continue;
      const d = dicts[j];
      let wrote: number;
      if (d) {
        // The filler wrote the values' lengths where the indices go.
        (views[j] as Uint32Array).set(d.indices);
        const lengths = fixedView('string', out, start + c.dict!.offset, d.entries.length) as Uint32Array;
        wrote = writeDictionary(d.entries, lengths, out, start + c.textOffset!, c.text!);
      } else {
        const write = cachedFunction('text', c.key, () => textWriter(c.key));
        wrote = write(rows, views[j] as Uint32Array, out, start + c.textOffset!, c.text!);
      }
      if (wrote === -1) {
        wide.add(j);
        retry = true;
        break;
      }
      if (wrote !== c.textBytes) return undefined;
    }
    if (!retry)
      return { bytes: out, encoding: dicts.some(Boolean) ? RECORDS_DICT_ENCODING : RECORDS_ENCODING };
  }
}

/** A dictionary's entries: their lengths into `lengths`, their text from `at`; as TextWriter answers. */
function writeDictionary(
  entries: string[],
  lengths: Uint32Array,
  out: Buffer,
  at: number,
  encoding: TextEncoding,
): number {
  for (let k = 0; k < entries.length; k++) lengths[k] = entries[k]!.length;
  const text = entries.join('');
  if (encoding === 'latin1' && !fitsLatin1(text)) return -1;
  return out.write(text, at, encoding);
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
    else if (c.dict) {
      setup.push(`const d${j} = cols[${j}].entries, x${j} = cols[${j}].indices;`);
      fields.push(`${JSON.stringify(c.key)}: d${j}[x${j}[i]]`);
    } else {
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
    const fixed = fixedView(c.type, body, c.offset, n);
    if (c.type !== 'string') return fixed;
    const text = body.toString(c.text!, c.textOffset!, c.textOffset! + c.textBytes!);
    return c.dict ? dictionaryColumn(c, fixed as Uint32Array, body, text) : { lengths: fixed, text };
  });
  const build = cachedFunction(
    'build',
    header.columns.map((c) => [c.key, c.type, c.dict !== undefined]),
    () => recordBuilder(header.columns),
  );
  return build(n, cols);
}

/** A dictionary column's entries, cut from its text, and its indices, each checked to name one. */
function dictionaryColumn(c: ColumnHeader, indices: Uint32Array, body: Buffer, text: string) {
  const { count, offset } = c.dict!;
  const lengths = fixedView('string', body, offset, count) as Uint32Array;
  const entries = new Array<string>(count);
  let a = 0;
  for (let k = 0; k < count; k++) {
    const b = a + lengths[k]!;
    entries[k] = text.slice(a, b);
    a = b;
  }
  if (a !== text.length)
    throw new Error(`column ${JSON.stringify(c.key)}: ${a} characters described, ${text.length} stored`);
  for (let i = 0; i < indices.length; i++) {
    if (indices[i]! >= count)
      throw new Error(`column ${JSON.stringify(c.key)}: record ${i} names entry ${indices[i]} of ${count}`);
  }
  return { indices, entries };
}

// Artifact value <-> bytes.
//
// Encodings (recorded in `ArtifactRef.encoding`):
// - `v8`: Node's structured clone (`v8.serialize`). Round-trips primitives (including BigInt,
//   undefined, -0, NaN), plain objects and arrays (sparse ones too), Map, Set, Date, RegExp, Error,
//   Buffer, ArrayBuffer, DataView and every typed array, nested in any way, cycles included.
// - `raw:<Type>` for a top-level `Buffer`, typed array, `ArrayBuffer` or `DataView`: the bytes
//   themselves (little-endian on every platform Node runs on in practice), no copy when saving.
//   `v8.serialize` of a 100 MB Float64Array costs hundreds of ms; this costs nothing.
//   A loaded typed array may be a view into a larger buffer (non-zero `byteOffset`), as Node's own
//   Buffers often are; call `.slice()` when a standalone `ArrayBuffer` is needed.
//
// What is refused (ArtifactSerializationError naming the artifact, the task and where in the
// value the problem is): functions, symbols, WeakMap/WeakSet/WeakRef, Promises, and instances of
// classes that have methods or accessors. Structured clone keeps only an object's own data fields
// and drops its prototype, so `this.model = new Model()` would come back as a plain object whose
// `predict()` is gone, one step later and far from the cause; failing when the artifact is saved
// is kinder. Instances of classes with no methods (pure data records, Error subclasses) are
// accepted and come back as plain objects (or Errors). Symbol-keyed and non-enumerable
// properties are dropped, as structured clone does.

import { RECORDS_DICT_ENCODING, RECORDS_ENCODING, decodeRecords, encodeRecords } from './records.js';
import { ArtifactSerializationError } from '../errors.js';
import { nodeV8 } from '../util/lazy-builtins.js';
import type { ArtifactContext } from './types.js';
// Simple values never reach node:v8, so a task whose values are all simple never loads it.
import { decodeSimple, encodeSimple } from './v8-format.js';

export const V8_ENCODING = 'v8';
export { RECORDS_DICT_ENCODING, RECORDS_ENCODING } from './records.js';

const GENERIC_HINT =
  'Artifacts must be structured-cloneable data (primitives, plain objects, arrays, Map, Set, Date, ' +
  'RegExp, Error, Buffer, typed arrays).';
export const RAW_PREFIX = 'raw:';

export interface SerializedValue {
  /** The serialized bytes (for `raw:` a view of the value's own memory: do not mutate the value before it is stored). */
  bytes: Buffer;
  encoding: string;
  /** `describeType(value)`. */
  type: string;
}

type TypedArrayCtor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

const TYPED_ARRAYS: Record<string, TypedArrayCtor> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/** `Float64Array` for any typed array (subclasses included), else undefined. */
function typedArrayName(v: ArrayBufferView): string | undefined {
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  return tag in TYPED_ARRAYS ? tag : undefined;
}

function isPlainBinary(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return BUILTIN_PROTOS.has(proto);
}

/** The `raw:` encoding name for a top-level binary value, or undefined when v8 must be used. */
function rawEncodingOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // A subclass with methods must go through the checks below, not silently lose its class.
  if (!isPlainBinary(value)) return undefined;
  if (Buffer.isBuffer(value)) return `${RAW_PREFIX}Buffer`;
  if (value instanceof ArrayBuffer) return `${RAW_PREFIX}ArrayBuffer`;
  if (value instanceof DataView) return `${RAW_PREFIX}DataView`;
  if (ArrayBuffer.isView(value)) {
    const name = typedArrayName(value);
    return name ? `${RAW_PREFIX}${name}` : undefined;
  }
  return undefined;
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Buffer {
  return value instanceof ArrayBuffer
    ? Buffer.from(value, 0, value.byteLength)
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function where(ctx: ArtifactContext): string {
  return `artifact '${ctx.artifact}' of ${ctx.pathspec}`;
}

/** Serializes an artifact value; throws ArtifactSerializationError (naming artifact, task and cause) if it cannot be stored faithfully. */
export function serializeValue(value: unknown, ctx: ArtifactContext): SerializedValue {
  const raw = rawEncodingOf(value);
  if (raw) {
    return {
      bytes: bytesOf(value as ArrayBuffer | ArrayBufferView),
      encoding: raw,
      type: describeType(value),
    };
  }
  const records = encodeRecords(value);
  if (records) return { ...records, type: describeType(value) };
  const problem = findUnserializable(value, ctx.artifact);
  if (problem) {
    throw new ArtifactSerializationError(
      `cannot serialize ${where(ctx)}: ${problem.path} is ${problem.reason}. ${problem.hint ?? GENERIC_HINT}`,
    );
  }
  const simple = encodeSimple(value);
  if (simple) return { bytes: simple, encoding: V8_ENCODING, type: describeType(value) };
  let bytes: Buffer;
  try {
    bytes = nodeV8().serialize(value);
  } catch (e) {
    const why = e instanceof RangeError ? 'too large or too deeply nested' : (e as Error).message;
    throw new ArtifactSerializationError(`cannot serialize ${where(ctx)}: ${why}`, { cause: e });
  }
  return { bytes, encoding: V8_ENCODING, type: describeType(value) };
}

/** Inverse of `serializeValue`. `bytes` may be a view into a larger buffer; raw values keep viewing it. */
export function deserializeValue(bytes: Buffer, encoding: string, ctx: ArtifactContext): unknown {
  if (encoding === V8_ENCODING) {
    const simple = decodeSimple(bytes);
    if (simple) return simple.value;
    try {
      return nodeV8().deserialize(bytes);
    } catch (e) {
      throw new ArtifactSerializationError(
        `cannot deserialize ${where(ctx)}: ${(e as Error).message} (was it written by a newer Node.js?)`,
        { cause: e },
      );
    }
  }
  if (encoding === RECORDS_ENCODING || encoding === RECORDS_DICT_ENCODING) {
    try {
      return decodeRecords(bytes);
    } catch (e) {
      throw new ArtifactSerializationError(`cannot deserialize ${where(ctx)}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  if (encoding.startsWith(RAW_PREFIX)) {
    const type = encoding.slice(RAW_PREFIX.length);
    if (type === 'Buffer') return bytes;
    if (type === 'ArrayBuffer') {
      const { buffer, byteOffset, byteLength } = bytes;
      return byteOffset === 0 && byteLength === buffer.byteLength
        ? buffer
        : buffer.slice(byteOffset, byteOffset + byteLength);
    }
    if (type === 'DataView') return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const Ctor = TYPED_ARRAYS[type];
    if (Ctor) {
      const size = Ctor.BYTES_PER_ELEMENT;
      if (bytes.byteLength % size !== 0) {
        throw new ArtifactSerializationError(
          `cannot deserialize ${where(ctx)}: ${bytes.byteLength} bytes is not a whole number of ${type} elements`,
        );
      }
      // A view when aligned (the common case: blobs are read into fresh buffers with an 8-byte
      // aligned payload), else one copy into aligned memory.
      const aligned = bytes.byteOffset % size === 0 ? bytes : Buffer.from(bytes);
      return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / size);
    }
  }
  throw new ArtifactSerializationError(
    `cannot deserialize ${where(ctx)}: unknown encoding '${encoding}' (written by a newer tsflow?)`,
  );
}

/** A short description of a value's type for listings: `number`, `Array(6)`, `Map(3)`, `Float64Array(100)`, a class name... */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  const t = typeof value;
  if (t !== 'object') return t === 'function' ? 'function' : t;
  const v = value as object;
  if (Array.isArray(v)) return `Array(${v.length})`;
  if (Buffer.isBuffer(v)) return `Buffer(${v.length})`;
  if (v instanceof Map) return `Map(${v.size})`;
  if (v instanceof Set) return `Set(${v.size})`;
  if (v instanceof Date) return 'Date';
  if (v instanceof RegExp) return 'RegExp';
  if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength})`;
  if (v instanceof DataView) return `DataView(${v.byteLength})`;
  if (ArrayBuffer.isView(v)) {
    const name = typedArrayName(v) ?? 'ArrayBufferView';
    return `${name}(${(v as unknown as { length: number }).length})`;
  }
  if (v instanceof Error) return v.name || 'Error';
  const proto = Object.getPrototypeOf(v);
  if (proto === null || proto === Object.prototype) return 'Object';
  const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name ? ctor.name : 'Object';
}

// ---- the pre-flight check ----

const TYPED_ARRAY_PROTOS = Object.values(TYPED_ARRAYS).map((c) => c.prototype as object);

/** Prototypes whose instances structured clone reproduces exactly. */
const BUILTIN_PROTOS = new Set<object | null>([
  null,
  Object.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  SharedArrayBuffer.prototype,
  DataView.prototype,
  Buffer.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  ...TYPED_ARRAY_PROTOS,
  Error.prototype,
  EvalError.prototype,
  RangeError.prototype,
  ReferenceError.prototype,
  SyntaxError.prototype,
  TypeError.prototype,
  URIError.prototype,
]);

/** Built-ins that structured clone refuses, with the reason shown to the user. */
const REFUSED: [abstract new (...args: never[]) => unknown, string][] = [
  [WeakMap, 'a WeakMap (its entries cannot be enumerated)'],
  [WeakSet, 'a WeakSet (its entries cannot be enumerated)'],
  [WeakRef, 'a WeakRef'],
  [Promise, 'a Promise (await it and store the result)'],
];

export interface Unserializable {
  /** Where in the value, e.g. `model.layers[2].fn` or `index.get("a")`. */
  path: string;
  reason: string;
  /** How to fix it, when there is something more specific to say than "use plain data". */
  hint?: string;
}

interface ProtoVerdict {
  /** The built-in prototype the chain ends in (decides how contents are walked). */
  base: object | null;
  /** Set when a class in the chain defines methods or accessors. */
  problem?: string;
  hint?: string;
}

/** A step of the path from the root to a problem, formatted only when there is a problem. */
type Seg = string | number | { mapKeyAt: number } | { mapValueOf: unknown } | { setAt: number };

function formatPath(root: string, segs: readonly Seg[]): string {
  let out = root;
  for (const s of segs) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string') out += /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
    else if ('mapKeyAt' in s) out += ` (Map key #${s.mapKeyAt})`;
    else if ('mapValueOf' in s) out += `.get(${describeKey(s.mapValueOf)})`;
    else out += ` (Set element #${s.setAt})`;
  }
  return out;
}

/** Containers with more entries than this are remembered even without object children, so a shared one is scanned once. */
const REMEMBER_FROM = 32;

/**
 * Finds the first part of `value` that structured clone would refuse or silently mangle (see the
 * file header for the rules). `root` names the value in the returned path.
 *
 * This runs before every v8 save, so it is written for speed: linear in the size of the value,
 * no allocation per element on the happy path (the path to a problem is kept as raw segments and
 * formatted only on failure), and only containers that could be part of a cycle (those with object
 * children) or are large go into the `seen` set.
 */
export function findUnserializable(value: unknown, root = 'value'): Unserializable | null {
  const seen = new Set<object>();
  const protoCache = new Map<object, ProtoVerdict>();
  const segs: Seg[] = [];
  let found: Unserializable | null = null;

  const fail = (reason: string, hint?: string): false => {
    found = { path: formatPath(root, segs), reason };
    if (hint) found.hint = hint;
    return false;
  };

  const verdictOf = (proto: object): ProtoVerdict => {
    const cached = protoCache.get(proto);
    if (cached) return cached;
    const members: string[] = [];
    let p: object | null = proto;
    let className = '';
    while (p !== null && !BUILTIN_PROTOS.has(p)) {
      if (!className) {
        const ctor = Object.getOwnPropertyDescriptor(p, 'constructor')?.value as
          | { name?: string }
          | undefined;
        className = ctor?.name || 'anonymous class';
      }
      for (const key of Reflect.ownKeys(p)) if (key !== 'constructor') members.push(String(key));
      p = Object.getPrototypeOf(p);
    }
    const verdict: ProtoVerdict = { base: p };
    if (members.length > 0) {
      const shown = members.slice(0, 5).join(', ') + (members.length > 5 ? ', ...' : '');
      verdict.problem = `an instance of class ${className}, which has methods or accessors (${shown})`;
      verdict.hint =
        'Structured clone keeps only its own fields and drops the class, so it would come back as a ' +
        'plain object without them. Store plain data instead (e.g. the fields the next step needs).';
    }
    protoCache.set(proto, verdict);
    return verdict;
  };

  /** Checks one value; objects are descended into. */
  const visit = (x: unknown): boolean => {
    const t = typeof x;
    if (t === 'object') return x === null || visitObject(x as object);
    if (t === 'function')
      return fail(`a function${(x as Function).name ? ` (${(x as Function).name})` : ''}`);
    if (t === 'symbol') return fail(`a Symbol (${String((x as symbol).description ?? '')})`);
    return true;
  };

  const isDeep = (x: unknown): boolean => {
    const t = typeof x;
    return (t === 'object' && x !== null) || t === 'function' || t === 'symbol';
  };

  /**
   * Own enumerable fields of a plain object or a data-only class instance. for-in is the fastest
   * walk (no key array per object); it also visits inherited enumerable fields, which only a
   * prototype with members can have, and those were refused before getting here.
   */
  const visitFields = (obj: Record<string, unknown>): boolean => {
    let remembered = false;
    let n = 0;
    for (const key in obj) {
      n++;
      const x = obj[key];
      if (!isDeep(x)) continue;
      if (!remembered) {
        seen.add(obj);
        remembered = true;
      }
      segs.push(key);
      if (!visit(x)) return false;
      segs.pop();
    }
    if (!remembered && n > REMEMBER_FROM) seen.add(obj);
    return true;
  };

  const visitObject = (obj: object): boolean => {
    if (seen.size > 0 && seen.has(obj)) return true;
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto === Object.prototype || proto === null) return visitFields(obj as Record<string, unknown>);
    let base: object | null = proto;
    if (!BUILTIN_PROTOS.has(proto)) {
      for (const [ctor, reason] of REFUSED) if (obj instanceof ctor) return fail(reason);
      const verdict = verdictOf(proto!);
      if (verdict.problem) return fail(verdict.problem, verdict.hint);
      base = verdict.base;
    }
    if (base === Array.prototype) {
      const arr = obj as unknown[];
      let remembered = false;
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i];
        if (!isDeep(x)) continue;
        if (!remembered) {
          seen.add(obj);
          remembered = true;
        }
        segs.push(i);
        if (!visit(x)) return false;
        segs.pop();
      }
      if (!remembered && arr.length > REMEMBER_FROM) seen.add(obj);
      return true;
    }
    if (base === Map.prototype) {
      seen.add(obj);
      let i = 0;
      for (const [k, x] of obj as Map<unknown, unknown>) {
        segs.push({ mapKeyAt: i });
        if (!visit(k)) return false;
        segs.pop();
        segs.push({ mapValueOf: k });
        if (!visit(x)) return false;
        segs.pop();
        i++;
      }
      return true;
    }
    if (base === Set.prototype) {
      seen.add(obj);
      let i = 0;
      for (const x of obj as Set<unknown>) {
        segs.push({ setAt: i });
        if (!visit(x)) return false;
        segs.pop();
        i++;
      }
      return true;
    }
    // A data-only class instance: its own fields, like a plain object.
    if (base === Object.prototype || base === null) return visitFields(obj as Record<string, unknown>);
    // Date, RegExp, Error, binary data, boxed primitives: leaves for structured clone.
    return true;
  };

  try {
    visit(value);
  } catch (e) {
    // Too deep to walk here: let v8.serialize decide (and report) on its own.
    if (e instanceof RangeError) return null;
    throw e;
  }
  return found;
}

function describeKey(k: unknown): string {
  if (typeof k === 'string') return JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}...` : k);
  if (typeof k === 'number' || typeof k === 'boolean' || k === null || k === undefined) return String(k);
  if (typeof k === 'bigint') return `${k}n`;
  return `<${describeType(k)}>`;
}

// The JSON shapes of the client objects: what `toJSON()` returns, what `tsflow runs --json` and
// `tsflow dump --json` print, and what the VS Code extension reads. Stable: fields are only ever
// added; a field's meaning or type never changes without a new `CLIENT_JSON_SCHEMA`.
//
// Conventions: times are ISO-8601 UTC strings (`null` when unknown / not yet); ids are strings;
// optional facts are `null` rather than absent, so every key is always present.

import type { ForeachFrame, LogLine, RunState, SerializedError } from '../datastore/types.js';

/** How Node's console shows an object; client objects show their JSON form rather than their internals. */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Version of the shapes below. */
export const CLIENT_JSON_SCHEMA = 1;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface FlowJSON {
  kind: 'flow';
  /** The flow's name (its class name); also its pathspec. */
  name: string;
  pathspec: string;
}

export interface RunJSON {
  kind: 'run';
  /** `Flow/run`. */
  pathspec: string;
  flow: string;
  id: string;
  /** As a reader should take it: a `running` run whose scheduler stopped heartbeating reads `failed`. */
  status: RunState;
  /** `status === 'succeeded'`. */
  successful: boolean;
  /** `status !== 'running'`. */
  finished: boolean;
  createdAt: string;
  finishedAt: string | null;
  /** The scheduler's last sign of life. */
  heartbeatAt: string | null;
  /** Why the run failed (first failing task, or a dead scheduler), else null. */
  error: string | null;
  user: string;
  /** User tags (`--tag`). */
  tags: string[];
  /** `user:<name>`, `runtime:node<version>`, `tsflow:<version>`. */
  systemTags: string[];
  /** Parameter values as given on the command line (JSON). */
  parameters: Record<string, unknown>;
  /** For a resumed run: the run it resumed. */
  originRunId: string | null;
  /** The flow's source file. */
  file: string;
  host: string;
  pid: number;
}

export interface StepJSON {
  kind: 'step';
  /** `Flow/run/step`. */
  pathspec: string;
  flow: string;
  runId: string;
  name: string;
  createdAt: string | null;
  /** When its last task finished, once all of them have; else null. */
  finishedAt: string | null;
  /** Task ids, in numeric order. */
  tasks: string[];
}

export interface TaskJSON {
  kind: 'task';
  /** `Flow/run/step/task`. */
  pathspec: string;
  flow: string;
  runId: string;
  step: string;
  id: string;
  /** The attempt shown (latest committed one, else the latest started); null before any started. */
  attempt: number | null;
  /** How many attempts started. */
  attempts: number;
  /** An attempt newer than the last committed one is in flight (or died without committing). */
  running: boolean;
  /** The step's code ran to completion without error. */
  successful: boolean;
  /** The task completed (possibly with an error caught by `@catchErrors`). */
  finished: boolean;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Innermost foreach index, null outside a foreach. */
  index: number | null;
  foreachStack: ForeachFrame[];
  /** Pathspecs of the tasks whose outputs were this task's inputs. */
  parents: string[];
  /** For a task cloned by resume: the task it was cloned from. */
  originPathspec: string | null;
  /** The error that failed the attempt, null if none. */
  exception: SerializedError | null;
  /** Public artifacts (names not starting with `_`), by name; `value` only when asked for. */
  artifacts: ArtifactJSON[];
}

export interface ArtifactJSON {
  kind: 'artifact';
  /** `Flow/run/step/task/name`. */
  pathspec: string;
  name: string;
  /** sha256 of the serialized bytes (the blob's name). */
  sha: string;
  /** Serialized size in bytes. */
  size: number;
  /** `v8` or `raw:<Type>`. */
  encoding: string;
  /** Short type description: `number`, `Array(6)`, `Map(3)`, `Float64Array(100)`, a class name. */
  type: string;
  /** The value in the form `artifactToJSON` gives; present only when values were asked for. */
  value?: JsonValue;
}

export interface LogLineJSON {
  /** ISO time the line was produced. */
  ts: string;
  text: string;
}

export function logLineToJSON(line: LogLine): LogLineJSON {
  return { ts: new Date(line.ts).toISOString(), text: line.text };
}

export function isoOrNull(ms: number | undefined | null): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

// ---- values ----

export interface ArtifactToJSONOptions {
  /** Elements kept of a typed array / Buffer / ArrayBuffer / DataView (default 1000). */
  maxTypedItems?: number;
  /** Elements kept of an Array, Map or Set, keys of an object (default: all). */
  maxItems?: number;
  /** Characters kept of a string (default: all). */
  maxStringLength?: number;
}

const TYPED_NAMES = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

/**
 * Turns any stored artifact value into JSON-safe form, for display (`tsflow dump --json`, the
 * artifact viewer). Not a round-trippable encoding: a plain object that happens to look like one
 * of the markers below is printed as it is.
 *
 * - `null`, booleans, strings, finite numbers: themselves (`-0` prints as `0`)
 * - `NaN`, `Infinity`, `-Infinity`: `{"$number": "NaN"}` (and so on)
 * - `undefined`: `{"$undefined": true}`
 * - BigInt: `{"$bigint": "123"}`
 * - Date: its ISO string (`{"$date": "Invalid Date"}` for an invalid one)
 * - RegExp: `{"$regexp": "/ab+c/gi"}`
 * - Map: `{"$map": [[key, value], ...]}`; Set: `{"$set": [value, ...]}`
 * - Error: `{"$error": {"name", "message", "stack"?}}`
 * - typed arrays, Buffer, ArrayBuffer, DataView: `{"$type": "Float64Array", "length": n, "values": [...]}`
 *   with at most `maxTypedItems` (1000) values (bytes for Buffer / ArrayBuffer / DataView;
 *   decimal strings for BigInt64Array / BigUint64Array) and `"truncated": true` when cut
 * - arrays: arrays (holes as `null`); objects: objects of their own enumerable keys
 * - a container cut by `maxItems` ends with `{"$more": <count left out>}` (arrays, Map, Set) or
 *   gets a `"$more"` key (objects); a string cut by `maxStringLength` ends with `…`
 * - a reference back to an enclosing value: `{"$circular": "$.path.to.it"}`
 * - anything else (functions, symbols: never stored, listed for completeness): `{"$unsupported": "<typeof>"}`
 */
export function artifactToJSON(value: unknown, opts: ArtifactToJSONOptions = {}): JsonValue {
  const maxTyped = opts.maxTypedItems ?? 1000;
  const maxItems = opts.maxItems ?? Number.POSITIVE_INFINITY;
  const maxString = opts.maxStringLength ?? Number.POSITIVE_INFINITY;
  // Ancestors on the current path, to turn cycles into `$circular` markers.
  const ancestors = new Map<object, string>();

  const num = (n: number): JsonValue => (Number.isFinite(n) ? n : { $number: String(n) });

  const conv = (v: unknown, at: string): JsonValue => {
    switch (typeof v) {
      case 'string':
        return v.length > maxString ? `${v.slice(0, maxString)}…` : v;
      case 'number':
        return num(v);
      case 'boolean':
        return v;
      case 'undefined':
        return { $undefined: true };
      case 'bigint':
        return { $bigint: v.toString() };
      case 'object':
        break;
      default:
        return { $unsupported: typeof v };
    }
    if (v === null) return null;
    const obj = v as object;
    const seenAt = ancestors.get(obj);
    if (seenAt !== undefined) return { $circular: seenAt };

    if (obj instanceof Date)
      return Number.isNaN(obj.getTime()) ? { $date: 'Invalid Date' } : obj.toISOString();
    if (obj instanceof RegExp) return { $regexp: String(obj) };
    if (obj instanceof Number) return num(obj.valueOf());
    if (obj instanceof String || obj instanceof Boolean) return obj.valueOf();
    if (obj instanceof ArrayBuffer || ArrayBuffer.isView(obj)) return binary(obj, maxTyped);

    ancestors.set(obj, at);
    try {
      if (obj instanceof Error) {
        const e: { [key: string]: JsonValue } = { name: obj.name, message: obj.message };
        if (obj.stack) e.stack = obj.stack;
        return { $error: e };
      }
      if (Array.isArray(obj)) {
        const n = Math.min(obj.length, maxItems);
        const out: JsonValue[] = [];
        for (let i = 0; i < n; i++) out.push(i in obj ? conv(obj[i], `${at}[${i}]`) : null);
        if (obj.length > n) out.push({ $more: obj.length - n });
        return out;
      }
      if (obj instanceof Map) {
        const out: JsonValue[] = [];
        let i = 0;
        for (const [k, x] of obj) {
          if (i >= maxItems) break;
          out.push([conv(k, `${at}.$map[${i}][0]`), conv(x, `${at}.$map[${i}][1]`)]);
          i++;
        }
        if (obj.size > i) out.push({ $more: obj.size - i });
        return { $map: out };
      }
      if (obj instanceof Set) {
        const out: JsonValue[] = [];
        let i = 0;
        for (const x of obj) {
          if (i >= maxItems) break;
          out.push(conv(x, `${at}.$set[${i}]`));
          i++;
        }
        if (obj.size > i) out.push({ $more: obj.size - i });
        return { $set: out };
      }
      const out: { [key: string]: JsonValue } = {};
      const keys = Object.keys(obj);
      const n = Math.min(keys.length, maxItems);
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        out[key] = conv(
          (obj as Record<string, unknown>)[key],
          /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`,
        );
      }
      if (keys.length > n) out.$more = keys.length - n;
      return out;
    } finally {
      ancestors.delete(obj);
    }
  };

  return conv(value, '$');
}

function binary(v: ArrayBuffer | ArrayBufferView, max: number): JsonValue {
  let type: string;
  let length: number;
  let values: JsonValue[];
  if (v instanceof ArrayBuffer || v instanceof DataView || Buffer.isBuffer(v)) {
    const bytes =
      v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    type = v instanceof ArrayBuffer ? 'ArrayBuffer' : v instanceof DataView ? 'DataView' : 'Buffer';
    length = bytes.length;
    values = Array.from(bytes.subarray(0, max));
  } else {
    const tag = Object.prototype.toString.call(v).slice(8, -1);
    type = TYPED_NAMES.has(tag) ? tag : 'ArrayBufferView';
    const arr = v as unknown as ArrayLike<number | bigint> & {
      subarray(a: number, b: number): ArrayLike<number | bigint>;
    };
    length = arr.length;
    values = Array.from(arr.subarray(0, max), (x) =>
      typeof x === 'bigint' ? x.toString() : Number.isFinite(x) ? x : { $number: String(x) },
    );
  }
  const out: { [key: string]: JsonValue } = { $type: type, length, values };
  if (length > values.length) out.truncated = true;
  return out;
}

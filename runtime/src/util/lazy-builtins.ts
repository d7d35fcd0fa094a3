// Node built-ins that a trivial task process never needs, required on first use instead of
// imported: node:crypto and node:v8 each pull in Node's stream modules, a few milliseconds of CPU
// that a task paid only for small values (util/sha256.ts, datastore/v8-format.ts handle those).

import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

let crypto: typeof import('node:crypto') | undefined;
let v8: typeof import('node:v8') | undefined;

/** `node:crypto`, required on first use. */
export function nodeCrypto(): typeof import('node:crypto') {
  crypto ??= load('node:crypto') as typeof import('node:crypto');
  return crypto;
}

/** `node:v8`, required on first use. */
export function nodeV8(): typeof import('node:v8') {
  v8 ??= load('node:v8') as typeof import('node:v8');
  return v8;
}

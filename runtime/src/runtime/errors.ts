import type { SerializedError } from '../datastore/types.js';

/** An error as stored in an attempt's commit marker. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const out: SerializedError = { name: err.name, message: err.message };
    if (err.stack) out.stack = err.stack;
    return out;
  }
  return { name: 'Error', message: String(err) };
}

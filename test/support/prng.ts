// A seeded random generator for tests that generate their input (edits, graphs): no imports, so
// the Node tests and the webview tests (type-checked without Node's types) share it.

/** mulberry32: a small seeded PRNG, so a failure can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A reference for the 10^6-object load figure: in a fresh process (with a task process's heap
// flags, set back as a task does), the bare loop that makes the same 10^6 `{ id, name, v }`
// objects from columns already in memory, timed alone. No read, no decompression, no hash, no
// decoding of a format: what V8 takes to allocate the value (objects, strings, boxed doubles) and
// to collect while doing so. Prints JSON: { ms, cpu }.
//   node --import tsx bench/support/build-objects.ts N

import '../../runtime/src/runtime/heap-flags.js';

const n = Number(process.argv[2] ?? 1e6);
// The columns, made without keeping a JavaScript object or string per record alive (nothing the
// GC must copy later): ids and values as typed arrays, names (`name-<i>`, as the bench's) as one
// Latin-1 string.
const ids = new Float64Array(n);
const vs = new Float64Array(n);
const lengths = new Uint32Array(n);
const bytes = Buffer.allocUnsafe(n * 16);
let at = 0;
for (let i = 0; i < n; i++) {
  ids[i] = i;
  vs[i] = Math.random();
  const from = at;
  at += bytes.write('name-', at, 'latin1');
  at += bytes.write(String(i), at, 'latin1');
  lengths[i] = at - from;
}
const text = bytes.toString('latin1', 0, at);

function build(): { id: number; name: string; v: number }[] {
  const out = new Array<{ id: number; name: string; v: number }>(n);
  let a = 0;
  for (let i = 0; i < n; i++) {
    const b = a + lengths[i]!;
    out[i] = { id: ids[i]!, name: text.slice(a, b), v: vs[i]! };
    a = b;
  }
  return out;
}

const c0 = process.cpuUsage();
const t0 = performance.now();
const value = build();
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
if (value.length !== n || value[n - 1]!.name !== `name-${n - 1}`) throw new Error('built the wrong objects');
process.stdout.write(JSON.stringify({ ms, cpu: (c.user + c.system) / 1000 }));

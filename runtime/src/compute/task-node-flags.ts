// Node flags every task process starts with: local processes, Batch jobs and `tsflow spin`
// alike, so a task behaves the same wherever it runs.
//
// `--min-semi-space-size=16`: the young generation starts at its full default size (16 MB per
// semi-space) instead of growing from 1 MB. V8 allocates a hot object literal straight in the
// old generation ("pretenuring") only once a scavenge at full young-generation size finds almost
// all of that literal's objects alive; starting at full size lets the first scavenge decide. So
// a task loading a large artifact of records (datastore/records.ts builds them from one literal)
// stops copying each record twice through the young generation: a fresh process decoding 10^6
// `{id, name, v}` went from 500-600 ms to 240-290 ms, most of it garbage collection before.
// Starting costs nothing measurable (`node -e 0` takes the same CPU; under 1 MB more RSS), and a
// step allocating short-lived garbage scavenges less often.
//
// `--initial-old-space-size=128`: the old generation may reach 128 MB before its first full
// collection, instead of starting with a limit of a few MB and raising it collection by
// collection. Those pretenured records fill the old generation fast: with the small starting
// limit the same decode paid one or two full collections of 50-180 ms (load 4-5) mid-way, now
// ~15 ms. A task that allocates less never gets near the limit; one that allocates more keeps
// V8's usual growth from there. A task is a batch job, so this trades memory it was going to use
// anyway for fewer pauses.
//
// Both flags only size the heap when it is created; runtime/heap-flags.ts sets every flag listed
// here back to its default right after, so Node's built-in code cache stays usable. Only a flag
// that V8 reads at heap creation alone belongs in this list.

/** Each flag with the value task processes get and V8's default, which heap-flags.ts restores. */
const HEAP_FLAGS = [
  { name: '--min-semi-space-size', value: '16', defaultValue: '0' },
  { name: '--initial-old-space-size', value: '128', defaultValue: '0' },
] as const;

export const TASK_NODE_FLAGS: readonly string[] = HEAP_FLAGS.map((f) => `${f.name}=${f.value}`);

/** V8's default for each of TASK_NODE_FLAGS, by flag name. */
export const TASK_NODE_FLAG_DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(
  HEAP_FLAGS.map((f) => [f.name, f.defaultValue]),
);

// Puts V8's heap-sizing flags back to their defaults once the heap exists. Imported first by the
// local task entry point (task-main.ts), before any other module loads.
//
// Node compiles its built-in modules (node:v8 and the stream modules it pulls in, node:vm, ...)
// from a code cache embedded in the binary, which V8 accepts only under the flags it was made
// with: one non-default flag, even one that only sizes the heap, and every built-in a task loads
// after startup is compiled from source. With the task processes' heap-sizing flags
// (compute/task-node-flags.ts: `--min-semi-space-size=16`, `--initial-old-space-size=128`) that was ~10 ms of CPU per trivial task (loading node:v8 alone went
// from ~5 to 12-17 ms). V8 reads that flag when it sets the heap up, before any JavaScript runs,
// so setting it back to its default afterwards changes nothing about the heap (the young
// generation stays at 16 MB, as the housekeeping e2e test checks) and makes the flags hash what
// the embedded cache expects again.
//
// `v8.setFlagsFromString` is out of reach here: loading node:v8 is the cost to avoid. The binding
// behind it is reached through process.binding('v8') (deprecated, hence its warning muted for
// the call); where that is missing, nothing changes but the cost.

// Flags V8 reads only when it creates the heap (every one task processes get), with their
// defaults. A constant-only module: loading it loads nothing else.
import { TASK_NODE_FLAG_DEFAULTS } from '../compute/task-node-flags.js';

export function resetHeapSetupFlags(execArgv: readonly string[] = process.execArgv): void {
  const resets = execArgv
    .map((a) => a.split('=')[0]!)
    .filter((name) => name in TASK_NODE_FLAG_DEFAULTS)
    .map((name) => `${name}=${TASK_NODE_FLAG_DEFAULTS[name]}`);
  if (resets.length === 0) return;
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding('v8') as {
      setFlagsFromString?: (flags: string) => void;
    };
    binding.setFlagsFromString?.(resets.join(' '));
  } catch {
    // No such binding on this Node: built-ins compile from source, as before.
  } finally {
    process.noDeprecation = quiet;
  }
}

resetHeapSetupFlags();

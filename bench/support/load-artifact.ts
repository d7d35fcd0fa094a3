// Loads one artifact in a process of its own, as the task that reads it does, and prints how long
// `loadArtifact` (wall and CPU) and `loadArtifactSync` took as JSON. Used by bench/datastore.ts.
//   node --import tsx bench/support/load-artifact.ts ROOT FLOW REF_JSON

// First, as in a task process: its heap-sizing flags (which bench/datastore.ts passes) set back.
import '../../runtime/src/runtime/heap-flags.js';
import { openFlowStore } from '../../runtime/src/datastore/index.js';
import type { ArtifactRef } from '../../runtime/src/datastore/types.js';

const [root, flow, refJson] = process.argv.slice(2);
if (!root || !flow || !refJson) throw new Error('usage: load-artifact.ts ROOT FLOW REF_JSON');
const store = openFlowStore(root, flow);
const ref = JSON.parse(refJson) as ArtifactRef;
const ctx = { artifact: 'x', pathspec: `${flow}/1/start/1` };
const c0 = process.cpuUsage();
let t = performance.now();
let value: unknown = await store.loadArtifact(ref, ctx);
const load = performance.now() - t;
const c = process.cpuUsage(c0);
const loadCpu = (c.user + c.system) / 1000;
value = undefined;
t = performance.now();
value = store.loadArtifactSync(ref, ctx);
const loadSync = performance.now() - t;
process.stdout.write(JSON.stringify({ load, loadCpu, loadSync, loaded: value !== undefined }));

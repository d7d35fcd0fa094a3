// Loads one artifact in a process of its own, as the task that reads it does, and prints how long
// `loadArtifact` and `loadArtifactSync` took as JSON. Used by bench/datastore.ts.
//   node --import tsx bench/support/load-artifact.ts ROOT FLOW REF_JSON

import { openFlowStore } from '../../runtime/src/datastore/index.js';
import type { ArtifactRef } from '../../runtime/src/datastore/types.js';

const [root, flow, refJson] = process.argv.slice(2);
if (!root || !flow || !refJson) throw new Error('usage: load-artifact.ts ROOT FLOW REF_JSON');
const store = openFlowStore(root, flow);
const ref = JSON.parse(refJson) as ArtifactRef;
const ctx = { artifact: 'x', pathspec: `${flow}/1/start/1` };
let t = performance.now();
let value: unknown = await store.loadArtifact(ref, ctx);
const load = performance.now() - t;
value = undefined;
t = performance.now();
value = store.loadArtifactSync(ref, ctx);
const loadSync = performance.now() - t;
process.stdout.write(JSON.stringify({ load, loadSync, loaded: value !== undefined }));

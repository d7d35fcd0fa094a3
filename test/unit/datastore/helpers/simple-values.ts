// Child process for the v8-format test: does what a foreach body's task does with its artifacts
// (reads the list its start task wrote, saves a number), then reports whether node:v8 was loaded;
// then a Map, which needs it.
import { deserializeValue, serializeValue } from '../../../../runtime/src/datastore/serialize.js';

const ctx = { artifact: 'x', pathspec: 'F/1/body/2' };
const loaded = () =>
  (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes('NativeModule v8');
const square = serializeValue(49, ctx);
// The list as the foreach's start task wrote it before this change: through v8.serialize.
const written = Buffer.from('ff0f41044900490249044906240004', 'hex');
const roundTrip =
  deserializeValue(square.bytes, square.encoding, ctx) === 49 &&
  JSON.stringify(deserializeValue(written, 'v8', ctx)) === '[0,1,2,3]';
const v8Loaded = loaded();
const map = serializeValue(new Map([[1, 2]]), ctx);
const afterMap =
  (deserializeValue(map.bytes, map.encoding, ctx) as Map<number, number>).get(1) === 2 && loaded();
process.stdout.write(JSON.stringify({ roundTrip, v8Loaded, afterMap }));

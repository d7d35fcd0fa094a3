// Child process for the concurrent createRun test: waits until a shared start time so that all
// children race for a run id in the same moment, then prints the id it claimed.
//   node --import tsx create-run.ts <root> <startAtEpochMs>
import { openFlowStore } from '../../../../runtime/src/datastore/root.js';

const [root, startAt] = process.argv.slice(2);
const store = openFlowStore(root!, 'RaceFlow');
while (Date.now() < Number(startAt)) {
  // spin: a timer would add milliseconds of jitter between the children
}
const run = await store.createRun({
  flow: 'RaceFlow',
  file: '/race.ts',
  user: 'racer',
  tags: [],
  systemTags: [],
  createdAt: Date.now(),
  parameters: {},
  host: 'h',
  pid: process.pid,
});
process.stdout.write(run.runId);

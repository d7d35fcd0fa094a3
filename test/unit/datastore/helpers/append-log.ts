// Child process for the live-log test: appends `count` lines, a few at a time, as a task would.
//   node --import tsx append-log.ts <root> <runId> <count>
import { openFlowStore } from '../../../../runtime/src/datastore/root.js';

const [root, runId, count] = process.argv.slice(2);
const store = openFlowStore(root!, 'LogFlow');
const key = { runId: runId!, step: 'start', taskId: '1' };
const n = Number(count);
for (let i = 0; i < n; i += 3) {
  const lines = [];
  for (let j = i; j < Math.min(n, i + 3); j++)
    lines.push({ ts: Date.now(), text: `line ${j} ${'x'.repeat(j % 50)}` });
  await store.appendLog(key, 0, 'stdout', lines);
}

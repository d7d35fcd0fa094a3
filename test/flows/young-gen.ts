import { getHeapSpaceStatistics } from 'node:v8';
import { FlowSpec, step } from 'tsflow';

/** Records the task process's heap-sizing flags and young generation size (compute/task-node-flags.ts). */
export class YoungGenFlow extends FlowSpec {
  youngMb = 0;
  heapFlags: string[] = [];

  @step start() {
    this.youngMb = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 2 ** 20;
    this.heapFlags = process.execArgv.filter((a) => /^--[\w-]*space-size=/.test(a));
    this.next(this.end);
  }

  @step end() {}
}

import { getHeapSpaceStatistics } from 'node:v8';
import { FlowSpec, step } from 'tsflow';

/** Records the young generation's size in the task process (compute/task-node-flags.ts). */
export class YoungGenFlow extends FlowSpec {
  youngMb = 0;

  @step start() {
    this.youngMb = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 2 ** 20;
    this.next(this.end);
  }

  @step end() {}
}

import { getHeapSpaceStatistics } from 'node:v8';
import { FlowSpec, type Inputs, batch, resources, step } from 'tsflow';

/** The young generation's size in MB (task processes start it at 16: compute/task-node-flags.ts). */
const youngMb = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 2 ** 20;

/** One step on AWS Batch, the rest local: artifacts flow both ways through the S3 datastore. */
export class MixedFlow extends FlowSpec {
  numbers: number[] = [];
  squares: number[] = [];
  where = '';
  total = 0;
  youngMb = 0;
  young: number[] = [];

  @step start() {
    this.numbers = [1, 2, 3, 4];
    this.next(this.remote, this.local);
  }

  @batch({ queue: 'q-mixed', memory: 2048 })
  @resources({ cpu: 2 })
  @step
  remote() {
    this.squares = this.numbers.map((n) => n * n);
    this.where = process.env.AWS_BATCH_JOB_ID ? 'batch' : 'local';
    this.youngMb = youngMb();
    console.log(`squared ${this.squares.length} numbers on ${this.where}`);
    this.next(this.join);
  }

  @step local() {
    this.where = process.env.AWS_BATCH_JOB_ID ? 'batch' : 'local';
    this.youngMb = youngMb();
    this.next(this.join);
  }

  @step join(inputs: Inputs<MixedFlow>) {
    this.total = inputs.remote.squares.reduce((a, b) => a + b, 0);
    this.where = `${inputs.remote.where}+${inputs.local.where}`;
    this.young = [inputs.remote.youngMb, inputs.local.youngMb];
    this.next(this.end);
  }

  @step end() {}
}

import { FlowSpec, type Inputs, batch, resources, step } from 'tsflow';

/** One step on AWS Batch, the rest local: artifacts flow both ways through the S3 datastore. */
export class MixedFlow extends FlowSpec {
  numbers: number[] = [];
  squares: number[] = [];
  where = '';
  total = 0;

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
    console.log(`squared ${this.squares.length} numbers on ${this.where}`);
    this.next(this.join);
  }

  @step local() {
    this.where = process.env.AWS_BATCH_JOB_ID ? 'batch' : 'local';
    this.next(this.join);
  }

  @step join(inputs: Inputs<MixedFlow>) {
    this.total = inputs.remote.squares.reduce((a, b) => a + b, 0);
    this.where = `${inputs.remote.where}+${inputs.local.where}`;
    this.next(this.end);
  }

  @step end() {}
}

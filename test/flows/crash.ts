import { FlowSpec, type Inputs, step } from 'tsflow';

/** One branch exits the process mid-step; the other is slow and must be stopped. */
export class CrashFlow extends FlowSpec {
  @step start() {
    this.next(this.boom, this.slow);
  }

  @step boom() {
    console.log('about to exit');
    process.exit(3);
    this.next(this.join);
  }

  @step async slow() {
    await new Promise((r) => setTimeout(r, 30_000));
    this.next(this.join);
  }

  @step join(_inputs: Inputs<CrashFlow>) {
    this.next(this.end);
  }

  @step end() {}
}

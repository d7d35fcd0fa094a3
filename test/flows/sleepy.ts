import { FlowSpec, step } from 'tsflow';

/** A step that naps far longer than any test waits, to be interrupted. */
export class SleepyFlow extends FlowSpec {
  @step start() {
    this.next(this.nap);
  }

  @step async nap() {
    console.log('napping');
    await new Promise((r) => setTimeout(r, 120_000));
    this.next(this.end);
  }

  @step end() {}
}

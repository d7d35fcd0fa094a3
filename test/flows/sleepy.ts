import { FlowSpec, step } from 'tsflow';

/** A step that naps ($NAP_MS, default far longer than any test waits), to be interrupted. */
export class SleepyFlow extends FlowSpec {
  @step start() {
    this.next(this.nap);
  }

  @step async nap() {
    console.log('napping');
    await new Promise((r) => setTimeout(r, Number(process.env.NAP_MS ?? 120_000)));
    this.next(this.end);
  }

  @step end() {}
}

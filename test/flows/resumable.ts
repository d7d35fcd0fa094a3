import fs from 'node:fs';
import { FlowSpec, type Inputs, Parameter, step } from 'tsflow';

/**
 * Every task appends its name to $TSFLOW_TEST_LOG (a side effect a resume must not repeat for
 * cloned tasks). Split 3 of the foreach fails while $FAIL_SPLIT is set.
 */
export class ResumableFlow extends FlowSpec {
  width = Parameter('width', { default: 5 });
  items: number[] = [];
  doubled = 0;
  total = 0;

  private mark(what: string) {
    if (process.env.TSFLOW_TEST_LOG) fs.appendFileSync(process.env.TSFLOW_TEST_LOG, `${what}\n`);
  }

  @step start() {
    this.mark('start');
    this.items = Array.from({ length: this.width }, (_, i) => i);
    this.next(this.body, { foreach: 'items' });
  }

  @step async body() {
    this.mark(`body${this.input}`);
    if (this.input === 3 && process.env.FAIL_SPLIT) {
      // Fail only once the other splits have run (and had time to commit), however loaded the
      // machine: the resume tests count on exactly one failed split.
      const log = process.env.TSFLOW_TEST_LOG;
      for (let i = 0; log && i < 600; i++) {
        const marks = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n') : [];
        if (marks.filter((m) => /^body\d+$/.test(m) && m !== 'body3').length >= this.width - 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 1500));
      throw new Error('split 3 fails while FAIL_SPLIT is set');
    }
    this.doubled = this.input * 2;
    this.next(this.join);
  }

  @step join(inputs: Inputs<ResumableFlow>) {
    this.mark('join');
    this.total = inputs.reduce((s, i) => s + i.doubled, 0);
    this.next(this.end);
  }

  @step end() {
    this.mark('end');
  }
}

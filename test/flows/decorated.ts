import fs from 'node:fs';
import { FlowSpec, catchErrors, environment, resources, retry, step, timeout } from 'tsflow';

/**
 * - flaky: fails on its first two attempts (counted in $TSFLOW_TEST_COUNTER), then succeeds
 * - risky: always throws; @catchErrors stores the error and the flow goes on
 * - configured: reads a variable that @environment sets
 * - sleepy: naps for $NAP_SECONDS (default 0); @timeout kills it after 5 s
 */
export class DecoratedFlow extends FlowSpec {
  attempts = 0;
  failure: { name: string; message: string } | null = null;
  greeting = '';
  summary = '';

  @retry({ times: 3 })
  @step
  flakyStart() {
    const file = process.env.TSFLOW_TEST_COUNTER!;
    const n = (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0) + 1;
    fs.writeFileSync(file, String(n));
    console.log(`attempt ${n}`);
    if (n < 3) throw new Error(`flaky failure ${n}`);
    this.attempts = n;
    this.next(this.risky);
  }

  @step start() {
    this.next(this.flakyStart);
  }

  @catchErrors({ var: 'failure' })
  @step
  risky() {
    if (!process.env.NEVER_SET_THIS) throw new RangeError('risky step blew up');
    this.next(this.configured);
  }

  @environment({ vars: { GREETING: 'hello from @environment' } })
  @resources({ cpu: 2, memory: 1024 })
  @step
  configured() {
    this.greeting = process.env.GREETING ?? '(unset)';
    this.next(this.sleepy);
  }

  @timeout({ seconds: 5 })
  @step
  async sleepy() {
    await new Promise((r) => setTimeout(r, Number(process.env.NAP_SECONDS ?? 0) * 1000));
    this.next(this.end);
  }

  @step end() {
    this.summary = `${this.attempts} attempts; caught ${this.failure?.name}: ${this.failure?.message}; ${this.greeting}`;
    console.log(this.summary);
  }
}

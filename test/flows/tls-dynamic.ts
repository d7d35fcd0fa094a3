// A flow that imports https only dynamically, inside a step (see tls-fetch.ts).
import { FlowSpec, step } from 'tsflow';
import { get } from './tls-fetch.ts';

export class TlsDynamicFlow extends FlowSpec {
  body = '';

  @step async start() {
    this.body = await get((await import('node:https')).default, `${process.env.TLS_TEST_URL}/dynamic`);
    this.next(this.end);
  }

  @step end() {
    console.log(`fetched: ${this.body}`);
  }
}

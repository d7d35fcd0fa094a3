// A flow that imports https statically (see tls-fetch.ts).
import https from 'node:https';
import { FlowSpec, step } from 'tsflow';
import { get } from './tls-fetch.ts';

export class TlsStaticFlow extends FlowSpec {
  body = '';

  @step async start() {
    this.body = await get(https, `${process.env.TLS_TEST_URL}/static`);
    this.next(this.end);
  }

  @step end() {
    console.log(`fetched: ${this.body}`);
  }
}

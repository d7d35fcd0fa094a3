// Fetches from an HTTPS server whose certificate only NODE_EXTRA_CA_CERTS vouches for. Every step
// is its own process and loads TLS its own way, after the flow module has loaded: fetch, a
// CommonJS require, and a child Node process. (tls-static.ts imports https.)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import { FlowSpec, step } from 'tsflow';

type Get = (
  url: string,
  cb: (res: IncomingMessage) => void,
) => { on(e: 'error', f: (e: Error) => void): void };

export function get(lib: { get: Get }, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    lib
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve(body)).on('error', reject);
      })
      .on('error', reject);
  });
}

const url = () => process.env.TLS_TEST_URL ?? '';

export class TlsFetchFlow extends FlowSpec {
  viaFetch = '';
  viaRequire = '';
  viaChild = '';
  extraCaVar = '';

  @step async start() {
    this.viaFetch = await (await fetch(`${url()}/fetch`)).text();
    this.extraCaVar = process.env.NODE_EXTRA_CA_CERTS ?? '(unset)';
    this.next(this.required);
  }

  @step async required() {
    this.viaRequire = await get(createRequire(import.meta.url)('https'), `${url()}/require`);
    this.next(this.child);
  }

  @step child() {
    const script = 'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t))';
    this.viaChild = execFileSync(process.execPath, ['-e', script, `${url()}/child`], { encoding: 'utf8' });
    this.next(this.end);
  }

  @step end() {
    console.log(`fetched: ${this.viaFetch} ${this.viaRequire} ${this.viaChild}`);
  }
}

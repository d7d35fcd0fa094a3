// Task processes honour NODE_EXTRA_CA_CERTS although they do not let Node load it at startup
// (runtime/src/runtime/extra-ca.ts): a step reaches an HTTPS server signed by a private CA with
// fetch, static and dynamic https imports, and from a child process.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Run } from '../../runtime/src/client/index.ts';
import { flowFile, runIdOf, show, tempDir, tsflow } from './helpers.ts';

/** A private CA and a localhost certificate it signs, made with the openssl CLI. */
function makeCerts(dir: string): { ca: string; key: string; cert: string } {
  const o = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  o(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=tsflow test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  o(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  o(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'server.pem',
  );
  return {
    ca: path.join(dir, 'ca.pem'),
    key: fs.readFileSync(path.join(dir, 'server.key'), 'utf8'),
    cert: fs.readFileSync(path.join(dir, 'server.pem'), 'utf8'),
  };
}

describe('NODE_EXTRA_CA_CERTS in task processes', () => {
  const dir = tempDir('tsflow-tls-');
  const certs = makeCerts(dir);
  const server = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    res.end(`ok${req.url}`);
  });
  let url = '';
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  test('fetch, static and dynamic imports, require and child processes trust the extra CA', async () => {
    const root = tempDir();
    // The system bundle as well, as users set it: only the certificates Node lacks are added.
    const bundle = path.join(dir, 'bundle.pem');
    const system = fs.existsSync('/etc/ssl/certs/ca-certificates.crt')
      ? fs.readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8')
      : '';
    fs.writeFileSync(bundle, `${system}\n${fs.readFileSync(certs.ca, 'utf8')}`);
    const r = await tsflow(['run', flowFile('tls-fetch.ts')], {
      root,
      env: { NODE_EXTRA_CA_CERTS: bundle, TLS_TEST_URL: url },
    });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /fetched: ok\/fetch ok\/require ok\/child/);
    const run = await Run.get(`TlsFetchFlow/${runIdOf(r)}`, { datastoreRoot: root });
    // The step sees the variable as the user set it, and nothing of tsflow's.
    assert.equal(await run.data.extraCaVar, bundle);
    assert.doesNotMatch(r.stdout + r.stderr, /TSFLOW_DEFERRED/);

    for (const [file, expect] of [
      ['tls-static.ts', 'static'],
      ['tls-dynamic.ts', 'dynamic'],
    ] as const) {
      const s = await tsflow(['run', flowFile(file)], {
        root,
        env: { NODE_EXTRA_CA_CERTS: bundle, TLS_TEST_URL: url },
      });
      assert.equal(s.code, 0, show(s));
      assert.match(s.stdout, new RegExp(`fetched: ok/${expect}`));
    }
  });

  test('without the extra CA the same flow fails on the certificate (the test can fail)', async () => {
    const env: NodeJS.ProcessEnv = { TLS_TEST_URL: url, NODE_EXTRA_CA_CERTS: '' };
    const r = await tsflow(['run', flowFile('tls-fetch.ts')], { root: tempDir(), env });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout + r.stderr, /fetch failed|self[- ]signed|unable to (get|verify)/i);
  });
});

// NODE_EXTRA_CA_CERTS, loaded when a task first uses TLS instead of when its process starts.
//
// Node 20 reads that file at startup, eagerly: it parses its own ~140 bundled root certificates
// plus every certificate in the file before running a line of JavaScript. With a system bundle
// in the variable (common behind corporate proxies, and the case on the machines tsflow is
// benchmarked on) that is ~75 ms of CPU per process, more than a bare Node start, paid by every
// task even though most tasks never open a TLS connection. So the scheduler hands task
// processes the path under another name (`deferExtraCaEnv`), and the task process
// (`restoreExtraCa`) puts the variable back for its own children and adds the file's
// certificates to every TLS context created without an explicit `ca`, the first time TLS is
// used: a tls/https/http2 module loaded by the flow's imports (bundle.ts makes the flow's dynamic
// imports of them static), a `require` of one, or `fetch`.

import fs from 'node:fs';
import Module, { createRequire } from 'node:module';

const VAR = 'NODE_EXTRA_CA_CERTS';
const DEFERRED = 'TSFLOW_DEFERRED_EXTRA_CA_CERTS';
export const TLS_MODULES = /^(node:)?(tls|https|http2)$/;

/** The environment for a task process: NODE_EXTRA_CA_CERTS moved where Node does not read it at startup. */
export function deferExtraCaEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = env[VAR];
  if (!file) return env;
  const { [VAR]: _, ...rest } = env;
  return { ...rest, [DEFERRED]: file };
}

let installed = false;

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Adds the file's certificates to TLS contexts that use the default roots. Loads `tls`. */
function install(file: string): void {
  if (installed) return;
  installed = true;
  const tls = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    // Node's own wording for an unreadable file, and like Node, go on with the bundled roots.
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(err as Error).message}`);
    return;
  }
  const squash = (pem: string) => pem.replace(/\s+/g, '');
  const bundled = new Set(tls.rootCertificates.map(squash));
  // Certificates Node already has cost a parse per context for nothing.
  const extraCerts = (text.match(PEM) ?? []).filter((pem) => !bundled.has(squash(pem)));
  if (extraCerts.length === 0) return;
  const original = tls.createSecureContext;
  // _tls_wrap (tls.connect, https, fetch) calls the exported function, so this reaches them all.
  tls.createSecureContext = function createSecureContext(options?: import('node:tls').SecureContextOptions) {
    const context = original.call(this, options);
    if (options?.ca === undefined) {
      const native = (context as unknown as { context: { addCACert(pem: string): void } }).context;
      for (const pem of extraCerts) native.addCACert(pem);
    }
    return context;
  };
}

/**
 * In a task process: makes NODE_EXTRA_CA_CERTS work as if Node had read it, at the cost of
 * nothing until TLS is used. Call before the flow is imported, and `afterImport()` after.
 */
export function restoreExtraCa(): { afterImport(): void } {
  const file = process.env[DEFERRED];
  if (!file) return { afterImport() {} };
  delete process.env[DEFERRED];
  // Processes the flow starts read the variable themselves.
  process.env[VAR] = file;
  const ensure = () => install(file);

  // A CommonJS require of a TLS module (e.g. a package that loads https lazily).
  const mod = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
  const load = mod._load;
  mod._load = function _load(this: unknown, request: string, ...rest: unknown[]) {
    if (!installed && TLS_MODULES.test(request)) {
      const result = load.call(this, request, ...rest);
      ensure();
      return result;
    }
    return load.call(this, request, ...rest);
  };

  // fetch loads its TLS stack on the first https request.
  const fetch = globalThis.fetch;
  if (typeof fetch === 'function') {
    globalThis.fetch = function fetchWithExtraCa(...args: Parameters<typeof fetch>) {
      ensure();
      return fetch(...args);
    } as typeof fetch;
  }

  return {
    // The flow's static imports (its own and its packages') have loaded whatever they load.
    afterImport() {
      const loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
      if (loaded.some((m) => m === 'NativeModule tls' || m === 'NativeModule _tls_wrap')) ensure();
    },
  };
}

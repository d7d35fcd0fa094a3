// Provisions what the `vscode` test tier needs on a machine that reaches only the npm registry and
// Debian's packages: code-server (a real VS Code served to a browser; its extension host is Node)
// and Debian's Chromium, driven by playwright-core. Cached outside the repo so reruns are fast:
// $TSFLOW_VSCODE_CACHE, else ~/.cache/tsflow-vscode.
//
//   node test/vscode/provision.mjs          provision (idempotent), print the paths as JSON
//
// Returns null (and says why) where it can't provision: not root, no apt-get, not linux-x64.
// Every process is spawned without a shell.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** code-server 4.96.4 bundles VS Code 1.96.4 and runs on Node 20 (the engine this repo uses). */
export const CODE_SERVER_VERSION = '4.96.4';
const PROXY_AGENT = '@vscode/proxy-agent';
const PROXY_AGENT_VERSION = '0.27.0';
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.9';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const APT_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev'];

export function cacheRoot() {
  return process.env.TSFLOW_VSCODE_CACHE || path.join(os.homedir(), '.cache', 'tsflow-vscode');
}

function sh(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status ?? res.signal}):\n${out}`);
  }
  return res.stdout ?? '';
}

function which(bin) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {}
  }
  return null;
}

/** Why this machine can't be provisioned, or null when it can. */
export function cannotProvision() {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return `${process.platform}-${process.arch} is not linux-x64`;
  if (Number(process.versions.node.split('.')[0]) !== 20) return 'code-server 4.96.4 needs Node 20';
  const haveAll = which('chromium') && which('rg');
  if (!haveAll && (process.getuid?.() !== 0 || !which('apt-get')))
    return 'chromium/ripgrep are missing and this is not root with apt-get';
  return null;
}

function ensureAptPackages(log) {
  if (which('chromium') && which('rg') && fs.existsSync('/usr/include/krb5.h')) return;
  log(`apt-get install ${APT_PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update', '-qq'], { env });
  sh('apt-get', ['install', '-y', '-qq', ...APT_PACKAGES], { env });
}

function ensureCodeServer(root, log) {
  const prefix = path.join(root, `code-server-${CODE_SERVER_VERSION}`);
  const bin = path.join(prefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const stamp = path.join(prefix, '.complete');
  if (fs.existsSync(stamp) && fs.existsSync(bin)) return bin;
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.mkdirSync(prefix, { recursive: true });
  const work = fs.mkdtempSync(path.join(root, 'pack-'));
  try {
    log(`npm pack code-server@${CODE_SERVER_VERSION}`);
    const tgz = sh('npm', ['pack', `code-server@${CODE_SERVER_VERSION}`, '--silent'], { cwd: work }).trim();
    sh('tar', ['xzf', tgz], { cwd: work });
    // The shrinkwrap points @vscode/proxy-agent at a git URL, which is not reachable here; the
    // registry holds the same version (same integrity).
    const shrinkwrap = path.join(work, 'package', 'lib', 'vscode', 'npm-shrinkwrap.json');
    const sw = JSON.parse(fs.readFileSync(shrinkwrap, 'utf8'));
    const entry = sw.packages?.[`node_modules/${PROXY_AGENT}`];
    if (entry && !String(entry.resolved).startsWith('https://registry.npmjs.org/')) {
      entry.resolved = `https://registry.npmjs.org/${PROXY_AGENT}/-/proxy-agent-${PROXY_AGENT_VERSION}.tgz`;
      fs.writeFileSync(shrinkwrap, `${JSON.stringify(sw, null, 2)}\n`);
    }
    sh('tar', ['czf', 'patched.tgz', 'package'], { cwd: work });
    // @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache has the tarball:
    // seed it with Debian's rg.
    const tmp = process.env.TMPDIR || os.tmpdir();
    const rgCache = path.join(tmp, RIPGREP_CACHE);
    fs.mkdirSync(rgCache, { recursive: true });
    const rgTar = path.join(rgCache, RIPGREP_TARBALL);
    if (!fs.existsSync(rgTar)) {
      const rgDir = fs.mkdtempSync(path.join(work, 'rg-'));
      fs.copyFileSync(which('rg'), path.join(rgDir, 'rg'));
      fs.chmodSync(path.join(rgDir, 'rg'), 0o755);
      sh('tar', ['czf', rgTar, '-C', rgDir, 'rg']);
    }
    log(`npm install code-server (native modules build with node-gyp; about 2 minutes)`);
    fs.writeFileSync(path.join(prefix, 'package.json'), '{"name":"tsflow-code-server","private":true}\n');
    sh(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', path.join(work, 'patched.tgz')],
      {
        cwd: prefix,
        env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_foreground_scripts: 'false' },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (!fs.existsSync(bin)) throw new Error(`code-server installed but ${bin} is missing`);
    fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
    return bin;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Provisions (idempotent) and returns `{ codeServer, chromium, cacheRoot }`, or null with a reason logged. */
export function provision(log = (m) => console.log(`[vscode provision] ${m}`)) {
  const why = cannotProvision();
  if (why) {
    log(`cannot provision: ${why}`);
    return null;
  }
  const root = cacheRoot();
  fs.mkdirSync(root, { recursive: true });
  const started = Date.now();
  ensureAptPackages(log);
  const codeServer = ensureCodeServer(root, log);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${root})`);
  return { codeServer, chromium: which('chromium'), cacheRoot: root };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const res = provision();
  console.log(JSON.stringify(res, null, 2));
  process.exit(res ? 0 : 1);
}

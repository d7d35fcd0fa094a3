// A throwaway single-node Ceph cluster with RADOS gateways (real S3) for the S3 tests and bench.
// Auth off, an in-memory OSD, everything in one scratch folder, daemons on free loopback ports.
//
//   node scripts/ceph.mjs check          exit 0 if a cluster can be had here, else say why (exit 1)
//   node scripts/ceph.mjs install        apt-get the daemons if missing (root only)
//   node scripts/ceph.mjs start DIR      start mon + osd + gateways a and b, create a user and a
//                                        bucket; prints the connection (JSON) and leaves them running
//   node scripts/ceph.mjs stop DIR       stop every daemon started in DIR
//
// Gateway `a` is the one everything shares; gateway `b` (same cluster, same data, its own port)
// exists so a test can kill and restart a gateway without disturbing tests running beside it.
// The connection is also written to DIR/connection.json for tests started with TSFLOW_TEST_CEPH_DIR.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph'];
export const GATEWAYS = ['a', 'b'];

function which(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).status === 0;
}

/** Why Ceph cannot be provisioned here (null when it can be, or already is installed). */
export function cannotProvision() {
  if (BINARIES.every(which)) return null;
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'Ceph is not installed and installing it needs root';
  if (!which('apt-get')) return 'Ceph is not installed and there is no apt-get to install it';
  return null;
}

/** Installs radosgw, ceph-mon and ceph-osd with apt when missing (about 30 s, 270 MB). */
export function ensureInstalled(log = console.error) {
  if (BINARIES.every(which)) return;
  const why = cannotProvision();
  if (why) throw new Error(`cannot install Ceph: ${why}`);
  const apt = (args) => {
    log(`ceph: apt-get ${args.join(' ')}`);
    const r = spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
  };
  apt(['update', '-q']);
  apt(['install', '-y', '-q', 'radosgw']);
  apt(['install', '-y', '-q', '--no-install-recommends', 'ceph-mon', 'ceph-osd']);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, check, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > until)
      throw new Error(`ceph: timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

function config(dir, c) {
  const gateways = GATEWAYS.map(
    (g) =>
      `[client.rgw.${g}]\nrgw frontends = beast endpoint=127.0.0.1:${c.ports[g]}\nrgw data = ${dir}/rgw-${g}\n`,
  ).join('');
  return `[global]
fsid = ${c.fsid}
mon host = [v2:127.0.0.1:${c.monV2},v1:127.0.0.1:${c.monV1}]
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
mon_max_pg_per_osd = 1000
osd objectstore = memstore
memstore device bytes = ${c.memstoreBytes}
osd crush chooseleaf type = 0
osd data = ${dir}/osd-$id
mon data = ${dir}/mon-$id
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
pid file = ${dir}/run/$name.pid
ms bind ipv4 = true
ms bind ipv6 = false
public addr = 127.0.0.1
ms mon client mode = crc secure
ms client mode = crc secure
ms mon service mode = crc secure
ms mon cluster mode = crc secure
ms cluster mode = crc secure
ms service mode = crc secure
${gateways}`;
}

const confOf = (dir) => path.join(dir, 'ceph.conf');

/** GET / on a gateway answers (any HTTP status means the gateway is up). */
async function gatewayAnswers(port) {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
  await res.arrayBuffer();
  return res.status > 0;
}

function readPid(dir, name) {
  try {
    return Number(fs.readFileSync(path.join(dir, 'run', `${name}.pid`), 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readConnection(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'connection.json'), 'utf8'));
}

/** Starts (or restarts) one gateway of a running cluster and waits until it answers. */
export async function startGateway(dir, gateway) {
  const c = readConnection(dir);
  await run('radosgw', ['-c', confOf(dir), '-n', `client.rgw.${gateway}`]);
  await waitFor(
    `gateway ${gateway} on port ${c.ports[gateway]}`,
    () => gatewayAnswers(c.ports[gateway]),
    60_000,
  );
}

/** Stops one gateway: SIGKILL by default (a crash), so nothing is flushed or drained. */
export async function stopGateway(dir, gateway, signal = 'SIGKILL') {
  const pid = readPid(dir, `client.rgw.${gateway}`);
  if (!pid || !alive(pid)) return;
  process.kill(pid, signal);
  await waitFor(`gateway ${gateway} (pid ${pid}) to exit`, () => !alive(pid), 30_000);
  fs.rmSync(path.join(dir, 'run', `client.rgw.${gateway}.pid`), { force: true });
}

/**
 * Starts a fresh cluster in `dir` (which must be empty or absent) and returns its connection:
 * `{ endpoint, endpoints: {a, b}, region, accessKeyId, secretAccessKey, bucket, dir }`.
 */
export async function startCeph(dir, { log = console.error, memstoreBytes = 3 * 1024 ** 3 } = {}) {
  const t0 = Date.now();
  fs.mkdirSync(dir, { recursive: true });
  for (const sub of ['run', 'log', 'mon-a', 'osd-0', ...GATEWAYS.map((g) => `rgw-${g}`)])
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const c = {
    fsid: randomUUID(),
    monV2: await freePort(),
    monV1: await freePort(),
    ports: Object.fromEntries(await Promise.all(GATEWAYS.map(async (g) => [g, await freePort()]))),
    memstoreBytes,
  };
  fs.writeFileSync(confOf(dir), config(dir, c));
  const conf = confOf(dir);
  const ceph = (...args) => run('ceph', ['-c', conf, '--connect-timeout', '30', ...args]);
  await run('monmaptool', [
    '--create',
    '--clobber',
    '--fsid',
    c.fsid,
    '--addv',
    'a',
    `[v2:127.0.0.1:${c.monV2},v1:127.0.0.1:${c.monV1}]`,
    path.join(dir, 'monmap'),
  ]);
  await run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', path.join(dir, 'monmap')]);
  await run('ceph-mon', ['-c', conf, '-i', 'a']);
  await ceph('osd', 'create');
  await run('ceph-osd', ['-c', conf, '-i', '0', '--mkfs']);
  await ceph('osd', 'crush', 'add', 'osd.0', '1.0', 'root=default', 'host=localhost');
  await run('ceph-osd', ['-c', conf, '-i', '0']);
  await waitFor('the OSD to come up', async () => / 1 up/.test((await ceph('osd', 'stat')).stdout), 60_000);
  const accessKeyId = `TSFLOW${randomBytes(7).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const connection = {
    dir,
    endpoint: `http://127.0.0.1:${c.ports.a}`,
    endpoints: Object.fromEntries(GATEWAYS.map((g) => [g, `http://127.0.0.1:${c.ports[g]}`])),
    ports: c.ports,
    region: 'us-east-1',
    accessKeyId,
    secretAccessKey,
    bucket: 'tsflow-test',
  };
  fs.writeFileSync(path.join(dir, 'connection.json'), `${JSON.stringify(connection, null, 2)}\n`);
  await Promise.all(GATEWAYS.map((g) => startGateway(dir, g)));
  await run('radosgw-admin', [
    '-c',
    conf,
    '-n',
    'client.rgw.a',
    'user',
    'create',
    '--uid',
    'tsflow',
    '--display-name',
    'tsflow tests',
    '--access-key',
    accessKeyId,
    '--secret',
    secretAccessKey,
  ]);
  await createBucket(connection);
  log(
    `ceph: cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s (S3 at ${connection.endpoint}, scratch ${dir})`,
  );
  return connection;
}

async function createBucket(c) {
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: c.bucket }));
  } finally {
    client.destroy();
  }
}

/** Stops every daemon started in `dir` (gateways, then the OSD, then the monitor). */
export async function stopCeph(dir) {
  const names = [...GATEWAYS.map((g) => `client.rgw.${g}`), 'osd.0', 'mon.a'];
  for (const name of names) {
    const pid = readPid(dir, name);
    if (!pid || !alive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    try {
      await waitFor(`${name} to stop`, () => !alive(pid), 10_000);
    } catch {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
}

/**
 * A cluster for a test file or benchmark: the one in $TSFLOW_TEST_CEPH_DIR (the s3 tier starts it
 * once for every file), else one started in a new scratch folder (installing Ceph if need be).
 * `release()` stops and removes only a cluster started here. Returns null, saying why, when no
 * cluster can be had on this machine.
 */
export async function acquireCeph({ prefix = 'tsflow-ceph-', log = console.error } = {}) {
  const shared = process.env.TSFLOW_TEST_CEPH_DIR;
  if (shared) return { conn: readConnection(shared), release: async () => {} };
  const why = cannotProvision();
  if (why) return { skip: why };
  ensureInstalled(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const conn = await startCeph(dir, { log });
  return {
    conn,
    release: async () => {
      await stopCeph(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment that points the AWS SDK (and so tsflow) at a cluster's gateway. */
export function s3Env(c, gateway = 'a') {
  return {
    AWS_ENDPOINT_URL_S3: c.endpoints[gateway],
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_REGION: c.region,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, dir] = process.argv.slice(2);
  if (cmd === 'check') {
    const why = cannotProvision();
    if (why) {
      console.log(why);
      process.exit(1);
    }
  } else if (cmd === 'install') ensureInstalled();
  else if (cmd === 'start' && dir) {
    ensureInstalled();
    const c = await startCeph(path.resolve(dir));
    process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
  } else if (cmd === 'stop' && dir) await stopCeph(path.resolve(dir));
  else {
    console.error('usage: node scripts/ceph.mjs check | install | start DIR | stop DIR');
    process.exit(2);
  }
}

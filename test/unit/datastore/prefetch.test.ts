// A task on a backend without synchronous reads (S3) fetches what its step can read before the
// step runs; the getters then decode from memory. Locally nothing changes: reads stay lazy.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { BackendFlowStore } from '../../../runtime/src/datastore/flow-store.js';
import { LocalBackend } from '../../../runtime/src/datastore/local-backend.js';
import type { StorageBackend } from '../../../runtime/src/datastore/types.js';
import { ArtifactBinder, inputView } from '../../../runtime/src/runtime/artifacts.js';
import { makeSpillFolder } from '../../../runtime/src/runtime/spill-folder.js';

const here = import.meta.dirname;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-prefetch-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The local backend seen as a remote one: no getSync, and every get counted. */
function remoteLike(dir: string): StorageBackend & { gets: string[] } {
  const local = new LocalBackend(dir);
  const gets: string[] = [];
  return {
    kind: 's3',
    root: local.root,
    gets,
    get: (k) => {
      gets.push(k);
      return local.get(k);
    },
    put: (k, d, o) => local.put(k, d, o),
    exists: (k) => local.exists(k),
    list: (p) => local.list(p),
    stat: (k) => local.stat(k),
    touch: (k) => local.touch(k),
    delete: (k) => local.delete(k),
    deletePrefix: (p) => local.deletePrefix(p),
    append: (k, d) => local.append(k, d),
  };
}

describe('ArtifactBinder.prefetch', () => {
  it('fetches each distinct blob once, in parallel, before the step; getters then read memory', async () => {
    const backend = remoteLike(path.join(tmp, 'remote'));
    const store = new BackendFlowStore(backend, 'PF');
    const ctx = { artifact: 'x', pathspec: 'PF/1/start/1' };
    const list = await store.saveArtifact([1, 2, 3], ctx);
    const same = await store.saveArtifact([1, 2, 3], ctx);
    const floats = await store.saveArtifact(new Float64Array([1.5, 2.5]), ctx);
    assert.equal(list.sha, same.sha);
    const binder = new ArtifactBinder(store, 'PF/1/next/2');
    assert.equal(binder.needsPrefetch, true);
    await binder.prefetch([
      { name: 'a', ref: list, pathspec: 'PF/1/a/1' },
      { name: 'b', ref: same, pathspec: 'PF/1/b/1' },
      { name: 'f', ref: floats, pathspec: 'PF/1/a/1' },
      { name: 'g', ref: floats, pathspec: 'PF/1/b/1' },
    ]);
    assert.equal(backend.gets.length, 2, 'one read per distinct blob');
    const target = {} as Record<string, unknown>;
    binder.bindInherited(target, 'a', list);
    const view = inputView(binder, 'PF/1/b/1', { b: same, g: floats }, 'b') as Record<string, unknown>;
    binder.bindInherited(target, 'f', floats);
    assert.deepEqual(target.a, [1, 2, 3]);
    assert.deepEqual(view.b, [1, 2, 3]);
    assert.notEqual(target.a, view.b, 'each binding gets its own value');
    const f = target.f as Float64Array;
    const g = view.g as Float64Array;
    assert.deepEqual([...f], [1.5, 2.5]);
    f[0] = 99;
    assert.equal(g[0], 1.5, 'raw values do not share memory');
    assert.equal(backend.gets.length, 2, 'nothing read after the prefetch');
  });

  it('a remote store without a prefetch cannot be read synchronously (the reason prefetch exists)', async () => {
    const store = new BackendFlowStore(remoteLike(path.join(tmp, 'noprefetch')), 'PF');
    const ctx = { artifact: 'x', pathspec: 'PF/1/start/1' };
    const ref = await store.saveArtifact('v', ctx);
    const binder = new ArtifactBinder(store, 'PF/1/next/2');
    assert.throws(() => binder.load('x', ref), /cannot be read synchronously/);
  });

  it('is a no-op on the local backend: reads stay lazy', async () => {
    const local = new LocalBackend(path.join(tmp, 'local'));
    let gets = 0;
    const orig = local.get.bind(local);
    local.get = (k: string) => {
      gets++;
      return orig(k);
    };
    const store = new BackendFlowStore(local, 'PF');
    const ref = await store.saveArtifact({ big: 'value' }, { artifact: 'x', pathspec: 'PF/1/start/1' });
    const binder = new ArtifactBinder(store, 'PF/1/next/2');
    assert.equal(binder.needsPrefetch, false);
    await binder.prefetch([{ name: 'x', ref, pathspec: 'PF/1/start/1' }]);
    assert.equal(gets, 0);
    assert.deepEqual(binder.load('x', ref), { big: 'value' });
  });
});

describe('ArtifactBinder.prefetch beyond its memory budget', () => {
  it('keeps what fits in memory, spills the rest to local files, and every value loads whole', async () => {
    const backend = remoteLike(path.join(tmp, 'remote-spill'));
    const store = new BackendFlowStore(backend, 'PF');
    const ctx = { artifact: 'x', pathspec: 'PF/1/start/1' };
    // Three inputs of a join, 4 MB each, with a budget that holds one of them.
    const values = [1, 2, 3].map((k) => Float64Array.from({ length: 500_000 }, (_, i) => i * k));
    const refs = await Promise.all(values.map((v) => store.saveArtifact(v, ctx)));
    const binder = new ArtifactBinder(store, 'PF/1/join/5', { memoryBudgetBytes: 5e6 });
    await binder.prefetch(refs.map((ref, i) => ({ name: 'v', ref, pathspec: `PF/1/body/${i + 2}` })));
    assert.equal(backend.gets.length, 3);
    assert.equal(binder.stats.memoryBytes, 4e6);
    assert.equal(binder.stats.spilledBytes, 8e6);
    refs.forEach((ref, i) => {
      // Twice: a spilled value is read afresh each time, never shared.
      const a = binder.load('v', ref, `PF/1/body/${i + 2}`) as Float64Array;
      const b = binder.load('v', ref, `PF/1/body/${i + 2}`) as Float64Array;
      assert.deepEqual(a, values[i]);
      assert.deepEqual(b, values[i]);
      a[1] = -1;
      assert.equal(b[1], values[i]![1]);
    });
    assert.equal(backend.gets.length, 3, 'no second fetch');
  });

  it('refuses a budget that is not a number, naming the variable', () => {
    const store = new BackendFlowStore(remoteLike(path.join(tmp, 'remote-bad')), 'PF');
    process.env.TSFLOW_PREFETCH_MEMORY_MB = 'lots';
    try {
      assert.throws(() => new ArtifactBinder(store, 'PF/1/a/1'), /TSFLOW_PREFETCH_MEMORY_MB .*'lots'/);
    } finally {
      delete process.env.TSFLOW_PREFETCH_MEMORY_MB;
    }
  });
});

describe('spill folders', () => {
  /** A task-like process owning a spill folder in `parent`; resolves once the folder is written. */
  const owner = async (parent: string) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'helpers', 'spill-folder-owner.ts')],
      {
        env: { ...process.env, TMPDIR: parent },
      },
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const dir = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.endsWith('\n')) resolve(out.trim());
      });
      child.on('exit', (code) =>
        reject(new Error(`spill-folder-owner exited (${code}) before making its folder`)),
      );
    });
    return { child, dir, exited };
  };

  it("removes the folders of killed processes, never a live process's or another host's", async () => {
    const parent = fs.mkdtempSync(path.join(tmp, 'spill-'));
    const live = await owner(parent);
    const killed = await owner(parent);
    killed.child.kill('SIGKILL');
    await killed.exited;
    assert.ok(fs.existsSync(path.join(killed.dir, 'blob')), 'SIGKILL leaves the folder behind');
    const elsewhere = path.join(parent, `tsflow-spill-otherhost-${killed.child.pid}-AbC123`);
    fs.mkdirSync(elsewhere);

    const mine = makeSpillFolder(parent);
    assert.ok(path.basename(mine).includes(`-${process.pid}-`));
    assert.ok(!fs.existsSync(killed.dir), "the killed process's folder is removed");
    assert.ok(fs.existsSync(path.join(live.dir, 'blob')), "a live process's folder stays");
    assert.ok(fs.existsSync(elsewhere), "another host's folder stays (a shared temporary directory)");

    // A process that exits removes its own.
    live.child.stdin.end();
    await live.exited;
    assert.ok(!fs.existsSync(live.dir), 'an exiting process removes its folder');
  });
});

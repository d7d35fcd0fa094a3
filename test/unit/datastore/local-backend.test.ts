import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalBackend } from '../../../runtime/src/datastore/local-backend.js';

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-backend-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function backend(name: string): LocalBackend {
  return new LocalBackend(path.join(tmp, name));
}

describe('LocalBackend', () => {
  it('puts, gets, lists, deletes; creates folders as needed', async () => {
    const b = backend('basic');
    assert.equal(await b.get('F/1/_meta/run.json'), null);
    assert.equal(b.getSync('F/1/_meta/run.json'), null);
    assert.equal(await b.put('F/1/_meta/run.json', '{"a":1}'), true);
    assert.equal((await b.get('F/1/_meta/run.json'))!.toString(), '{"a":1}');
    assert.equal(b.getSync('F/1/_meta/run.json')!.toString(), '{"a":1}');
    assert.equal(await b.exists('F/1/_meta/run.json'), true);
    assert.equal(await b.exists('F/1/_meta'), false, 'a folder is not an object');
    await b.put('F/1/x.json', Buffer.from('x'));
    assert.deepEqual(await b.list('F/1'), { dirs: ['_meta'], files: ['x.json'] });
    assert.deepEqual(await b.list('F/1/'), { dirs: ['_meta'], files: ['x.json'] });
    assert.deepEqual(await b.list(''), { dirs: ['F'], files: [] });
    assert.deepEqual(await b.list('nothing/here'), { dirs: [], files: [] });
    await b.delete('F/1/x.json');
    await b.delete('F/1/x.json'); // absent is fine
    assert.equal(await b.exists('F/1/x.json'), false);
    await assert.rejects(() => b.deletePrefix(''), /refusing to delete the datastore root/);
    await b.deletePrefix('F/1');
    assert.deepEqual(await b.list('F'), { dirs: [], files: [] });
    // The folder cache must not believe deleted folders still exist.
    assert.equal(await b.put('F/1/_meta/run.json', 'again'), true);
    assert.equal((await b.get('F/1/_meta/run.json'))!.toString(), 'again');
  });

  it('writes an array of chunks as their concatenation', async () => {
    const b = backend('chunks');
    await b.put('k', [Buffer.from('head'), new Uint8Array([1, 2, 3]), Buffer.alloc(0)]);
    assert.deepEqual([...(await b.get('k'))!], [...Buffer.from('head'), 1, 2, 3]);
    const fsyncing = new LocalBackend(path.join(tmp, 'chunks'), { fsync: true });
    await fsyncing.put('k2', 'synced');
    await fsyncing.put('k3', [Buffer.from('a'), Buffer.from('b')], { ifAbsent: true });
    assert.equal((await b.get('k2'))!.toString(), 'synced');
    assert.equal((await b.get('k3'))!.toString(), 'ab');
  });

  it('refuses keys that would escape the root', async () => {
    const b = backend('escape');
    for (const key of ['../x', 'a/../../x', 'a//b', '/abs', 'a/./b', 'a\\b']) {
      await assert.rejects(() => b.put(key, 'x'), /invalid datastore key/, key);
    }
  });

  it('ifAbsent: exactly one of many concurrent writers wins, and its content is what stays', async () => {
    const b = backend('exclusive');
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => b.put('run/1.done', `writer ${i}`, { ifAbsent: true })),
    );
    assert.equal(results.filter(Boolean).length, 1);
    const winner = results.indexOf(true);
    assert.equal((await b.get('run/1.done'))!.toString(), `writer ${winner}`);
    assert.equal(await b.put('run/1.done', 'late', { ifAbsent: true }), false);
    assert.equal((await b.get('run/1.done'))!.toString(), `writer ${winner}`);
    // No temp files left behind.
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'exclusive', 'run')), ['1.done']);
  });

  it('a reader never sees a partially written file', async () => {
    const b = backend('atomic');
    const size = 2 * 1024 * 1024; // large enough that a non-atomic write would be observed mid-way
    const versions = ['a', 'b', 'c', 'd'].map((c) => Buffer.alloc(size, c));
    await b.put('big', versions[0]!);
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 40; i++) await b.put('big', versions[i % versions.length]!);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const got = (await b.get('big'))!;
      assert.equal(got.length, size, 'whole file');
      assert.ok(
        got.every((x) => x === got[0]),
        'one version, not a mix',
      );
      const syncGot = b.getSync('big')!;
      assert.equal(syncGot.length, size);
      reads++;
    }
    await writer;
    assert.ok(reads > 0);
    assert.deepEqual(
      fs.readdirSync(path.join(tmp, 'atomic')).filter((n) => n.startsWith('.')),
      [],
      'temp files are renamed away',
    );
  });

  it('list skips dot entries (temp files) and follows symlinks', async () => {
    const b = backend('listing');
    await b.put('F/a.json', '1');
    fs.writeFileSync(path.join(tmp, 'listing', 'F', '.a.json.123.tmp'), 'partial');
    fs.mkdirSync(path.join(tmp, 'listing', 'F', '.hidden'));
    fs.mkdirSync(path.join(tmp, 'listing', 'real'));
    fs.symlinkSync(path.join(tmp, 'listing', 'real'), path.join(tmp, 'listing', 'F', 'linked'));
    assert.deepEqual(await b.list('F'), { dirs: ['linked'], files: ['a.json'] });
  });

  it('append adds to a log that stays readable', async () => {
    const b = backend('append');
    await b.append('F/1/s/1/0.stdout.log', 'one\n');
    await b.append('F/1/s/1/0.stdout.log', 'two\n');
    assert.equal((await b.get('F/1/s/1/0.stdout.log'))!.toString(), 'one\ntwo\n');
  });
});

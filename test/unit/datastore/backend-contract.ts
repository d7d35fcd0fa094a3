// The StorageBackend contract as tests, run against every backend: the local one in the unit tier
// (backend-contract.test.ts), S3 against a real Ceph gateway in the s3 tier (test/s3/backend.test.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageBackend } from '../../../runtime/src/datastore/types.js';

export interface ContractOptions {
  /** A fresh, empty backend per test (`name` keeps them apart). */
  make: (name: string) => StorageBackend | Promise<StorageBackend>;
  /** Size of the "large object" test (big enough for a multipart upload on S3). */
  largeBytes?: number;
  /** The backend's modification times are this coarse (S3: whole seconds). */
  timeResolutionMs?: number;
  skip?: string | false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function backendContract(label: string, opts: ContractOptions): void {
  const large = opts.largeBytes ?? 20 * 1024 * 1024;
  const resolution = opts.timeResolutionMs ?? 1;
  describe(`StorageBackend contract: ${label}`, { skip: opts.skip ?? false }, () => {
    it('puts, gets, lists, deletes', async () => {
      const b = await opts.make('basic');
      assert.equal(await b.get('F/1/_meta/run.json'), null);
      assert.equal(await b.exists('F/1/_meta/run.json'), false);
      assert.equal(await b.stat('F/1/_meta/run.json'), null);
      assert.equal(await b.put('F/1/_meta/run.json', '{"a":1}'), true);
      assert.equal((await b.get('F/1/_meta/run.json'))!.toString(), '{"a":1}');
      assert.equal(await b.exists('F/1/_meta/run.json'), true);
      assert.equal(await b.exists('F/1/_meta'), false, 'a folder is not an object');
      await b.put('F/1/x.json', Buffer.from('x'));
      await b.put('F/10/y.json', 'y');
      assert.deepEqual(await b.list('F/1'), { dirs: ['_meta'], files: ['x.json'] });
      assert.deepEqual(await b.list('F/1/'), { dirs: ['_meta'], files: ['x.json'] });
      assert.deepEqual(await b.list('F'), { dirs: ['1', '10'], files: [] });
      assert.deepEqual(await b.list(''), { dirs: ['F'], files: [] });
      assert.deepEqual(await b.list('nothing/here'), { dirs: [], files: [] });
      await b.put('F/1/x.json', 'replaced');
      assert.equal((await b.get('F/1/x.json'))!.toString(), 'replaced');
      await b.delete('F/1/x.json');
      await b.delete('F/1/x.json'); // absent is fine
      assert.equal(await b.exists('F/1/x.json'), false);
      await assert.rejects(() => b.deletePrefix(''), /refusing to delete the datastore root/);
      await b.deletePrefix('F/1');
      assert.deepEqual(
        await b.list('F'),
        { dirs: ['10'], files: [] },
        'a sibling sharing the name prefix stays',
      );
      assert.equal((await b.get('F/10/y.json'))!.toString(), 'y');
      assert.equal(await b.put('F/1/_meta/run.json', 'again'), true);
      assert.equal((await b.get('F/1/_meta/run.json'))!.toString(), 'again');
    });

    it('an empty object exists and reads as no bytes', async () => {
      const b = await opts.make('empty');
      await b.put('F/empty', '');
      assert.equal(await b.exists('F/empty'), true);
      assert.equal((await b.get('F/empty'))?.length, 0);
      assert.equal((await b.stat('F/empty'))?.size, 0);
    });

    it('writes an array of chunks as their concatenation', async () => {
      const b = await opts.make('chunks');
      await b.put('k', [Buffer.from('head'), new Uint8Array([1, 2, 3]), Buffer.alloc(0)]);
      assert.deepEqual([...(await b.get('k'))!], [...Buffer.from('head'), 1, 2, 3]);
      assert.equal((await b.stat('k'))?.size, 7);
    });

    it('a large object round-trips byte for byte, from chunks that straddle parts', async () => {
      const b = await opts.make('large');
      const body = Buffer.allocUnsafe(large);
      for (let i = 0; i < large; i += 4) body.writeUInt32LE(i, i);
      const cut = [0, 1234567, 7 * 1024 * 1024 + 3, large - 5, large];
      const chunks = cut.slice(1).map((end, i) => body.subarray(cut[i], end));
      assert.equal(await b.put('F/data/ab/big', [Buffer.from('HEAD'), ...chunks], { ifAbsent: true }), true);
      const got = (await b.get('F/data/ab/big'))!;
      assert.equal(got.length, large + 4);
      assert.equal(got.subarray(0, 4).toString(), 'HEAD');
      assert.ok(got.subarray(4).equals(body), 'same bytes');
      assert.equal((await b.stat('F/data/ab/big'))?.size, large + 4);
      assert.equal(await b.put('F/data/ab/big', 'late', { ifAbsent: true }), false);
      assert.equal((await b.get('F/data/ab/big'))!.length, large + 4);
    });

    it('refuses keys that would escape the root', async () => {
      const b = await opts.make('escape');
      for (const key of ['../x', 'a/../../x', 'a//b', '/abs', 'a/./b', 'a\\b']) {
        await assert.rejects(() => b.put(key, 'x'), /invalid datastore key/, key);
      }
    });

    it('ifAbsent: exactly one of many concurrent writers wins, and its content is what stays', async () => {
      const b = await opts.make('exclusive');
      for (let round = 0; round < 3; round++) {
        const key = `run/${round}.done`;
        const results = await Promise.all(
          Array.from({ length: 25 }, (_, i) => b.put(key, `writer ${i}`, { ifAbsent: true })),
        );
        assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.join(' ')}`);
        const winner = results.indexOf(true);
        assert.equal((await b.get(key))!.toString(), `writer ${winner}`);
        assert.equal(await b.put(key, 'late', { ifAbsent: true }), false);
        assert.equal((await b.get(key))!.toString(), `writer ${winner}`);
      }
      assert.deepEqual(await b.list('run'), { dirs: [], files: ['0.done', '1.done', '2.done'] });
    });

    it('stat and touch: touch refreshes the time of an object, and is false for an absent one', async () => {
      const b = await opts.make('touch');
      assert.equal(await b.touch('F/data/aa/nothing'), false);
      assert.equal(await b.exists('F/data/aa/nothing'), false, 'touch creates nothing');
      const before = Date.now();
      await b.put('F/data/aa/blob', 'payload');
      const st = (await b.stat('F/data/aa/blob'))!;
      assert.equal(st.size, 7);
      assert.ok(Math.abs(st.modifiedAt - before) < 5000 + resolution, `${st.modifiedAt} vs ${before}`);
      await sleep(Math.max(20, resolution + 100));
      assert.equal(await b.touch('F/data/aa/blob'), true);
      const after = (await b.stat('F/data/aa/blob'))!;
      assert.ok(after.modifiedAt > st.modifiedAt, `${after.modifiedAt} > ${st.modifiedAt}`);
      assert.equal((await b.get('F/data/aa/blob'))!.toString(), 'payload', 'touch keeps the content');
    });

    it('list skips dot entries', async () => {
      const b = await opts.make('dots');
      await b.put('F/a.json', '1');
      await b.put('F/.a.json.tmp', 'partial');
      await b.put('F/.hidden/x', 'x');
      assert.deepEqual(await b.list('F'), { dirs: [], files: ['a.json'] });
    });

    it('append adds to a log that stays readable after every append', async () => {
      const b = await opts.make('append');
      const key = 'F/1/s/1/0.stdout.log';
      await b.append(key, 'one\n');
      assert.equal((await b.get(key))!.toString(), 'one\n');
      await b.append(key, 'two\n');
      assert.equal((await b.get(key))!.toString(), 'one\ntwo\n');
      // Concurrent appends each land whole (in no promised order: the scheduler serializes its own).
      await Promise.all(['a', 'b', 'c', 'd'].map((x) => b.append(key, `${x}\n`)));
      const lines = (await b.get(key))!.toString().split('\n');
      assert.deepEqual(lines.slice(0, 2), ['one', 'two']);
      assert.deepEqual(lines.slice(2).sort(), ['', 'a', 'b', 'c', 'd']);
      await b.put('F/1/s/1/0.stderr.log', 'written whole\n');
      await b.append('F/1/s/1/0.stderr.log', 'then appended\n');
      assert.equal((await b.get('F/1/s/1/0.stderr.log'))!.toString(), 'written whole\nthen appended\n');
    });
  });
}

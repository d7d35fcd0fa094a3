import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BLOB_HEADER_SIZE, CODEC_NONE, CODEC_SNAPPY } from '../../../runtime/src/datastore/content-store.js';
import { BackendFlowStore } from '../../../runtime/src/datastore/flow-store.js';
import { LocalBackend } from '../../../runtime/src/datastore/local-backend.js';
import { CorruptDataError } from '../../../runtime/src/errors.js';

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-blobs-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function open(name: string): { store: BackendFlowStore; root: string } {
  const root = path.join(tmp, name);
  return { store: new BackendFlowStore(new LocalBackend(root), 'BlobFlow'), root };
}

function blobFiles(root: string): string[] {
  const dataDir = path.join(root, 'BlobFlow', 'data');
  if (!fs.existsSync(dataDir)) return [];
  return fs
    .readdirSync(dataDir)
    .flatMap((d) => fs.readdirSync(path.join(dataDir, d)).map((f) => path.join(dataDir, d, f)));
}

const ctx = { artifact: 'pets', pathspec: 'BlobFlow/5/start/1' };

describe('content-addressed store', () => {
  it('stores a value once: same bytes, same sha, one blob', async () => {
    const { store, root } = open('dedup');
    const a = await store.saveArtifact({ pets: ['dog', 'cat'] }, ctx);
    const b = await store.saveArtifact(
      { pets: ['dog', 'cat'] },
      { artifact: 'other', pathspec: 'BlobFlow/6/a/2' },
    );
    assert.equal(a.sha, b.sha);
    assert.match(a.sha, /^[0-9a-f]{64}$/);
    const files = blobFiles(root);
    assert.equal(files.length, 1);
    assert.equal(files[0], path.join(root, 'BlobFlow', 'data', a.sha.slice(0, 2), a.sha));
    const c = await store.saveArtifact({ pets: ['dog'] }, ctx);
    assert.notEqual(c.sha, a.sha);
    assert.equal(blobFiles(root).length, 2);
  });

  it('concurrent saves of the same value leave one complete blob', async () => {
    const { store, root } = open('race');
    const value = 'same value '.repeat(10_000);
    const refs = await Promise.all(Array.from({ length: 10 }, () => store.saveArtifact(value, ctx)));
    assert.equal(new Set(refs.map((r) => r.sha)).size, 1);
    assert.equal(blobFiles(root).length, 1);
    assert.equal(await store.loadArtifact(refs[0]!, ctx), value);
  });

  it('compresses what compresses, stores the rest as-is, behind a versioned header', async () => {
    const { store, root } = open('codec');
    const text = await store.saveArtifact('abc'.repeat(100_000), ctx);
    const noise = await store.saveArtifact(
      Float64Array.from({ length: 200_000 }, () => Math.random()),
      ctx,
    );
    const small = await store.saveArtifact(42, ctx);
    const header = (sha: string) =>
      fs.readFileSync(path.join(root, 'BlobFlow', 'data', sha.slice(0, 2), sha));
    const t = header(text.sha);
    assert.equal(t.toString('latin1', 0, 4), 'TSFB');
    assert.equal(t[4], 1);
    assert.equal(t[5], CODEC_SNAPPY);
    assert.equal(Number(t.readBigUInt64LE(8)), text.size);
    assert.ok(t.length < text.size / 10, 'compressed');
    const n = header(noise.sha);
    assert.equal(n[5], CODEC_NONE);
    assert.equal(n.length, BLOB_HEADER_SIZE + noise.size);
    assert.equal(header(small.sha)[5], CODEC_NONE);
  });

  for (const [label, value] of [
    ['a compressed blob', 'compressible '.repeat(5_000)],
    ['an uncompressed blob', { small: true }],
  ] as const) {
    it(`a flipped byte in ${label} is an error naming artifact, task and file (async and sync)`, async () => {
      const { store, root } = open(`corrupt-${label.split(' ')[1]}`);
      const ref = await store.saveArtifact(value, ctx);
      const file = path.join(root, 'BlobFlow', 'data', ref.sha.slice(0, 2), ref.sha);
      const bytes = fs.readFileSync(file);
      const at = bytes.length - 3;
      bytes[at] = bytes[at]! ^ 0x40;
      fs.writeFileSync(file, bytes);
      const check = (e: unknown) => {
        assert.ok(e instanceof CorruptDataError, String(e));
        assert.match(e.message, /artifact 'pets'/);
        assert.ok(e.message.includes('BlobFlow/5/start/1'), e.message);
        assert.ok(e.message.includes(file), e.message);
        return true;
      };
      await assert.rejects(() => store.loadArtifact(ref, ctx), check);
      assert.throws(() => store.loadArtifactSync(ref, ctx), check);
    });
  }

  it('large compressed blobs are stored in blocks; damage in any block is caught', async () => {
    const { store, root } = open('blocks');
    const value = Array.from({ length: 300_000 }, (_, i) => `row ${i % 1000}`).join('\n'); // ~3 MB
    const ref = await store.saveArtifact(value, ctx);
    const file = path.join(root, 'BlobFlow', 'data', ref.sha.slice(0, 2), ref.sha);
    const bytes = fs.readFileSync(file);
    assert.equal(bytes[5], CODEC_SNAPPY);
    const blocks = bytes.readUInt32LE(BLOB_HEADER_SIZE + 4);
    assert.equal(blocks, Math.ceil(ref.size / bytes.readUInt32LE(BLOB_HEADER_SIZE)));
    assert.ok(blocks >= 3, `${blocks} blocks`);
    assert.equal(await store.loadArtifact(ref, ctx), value);
    assert.equal(store.loadArtifactSync(ref, ctx), value);
    for (const at of [BLOB_HEADER_SIZE + 9, Math.floor(bytes.length / 2)]) {
      const damaged = Buffer.from(bytes);
      damaged[at] = damaged[at]! ^ 0x10;
      fs.writeFileSync(file, damaged);
      await assert.rejects(() => store.loadArtifact(ref, ctx), CorruptDataError);
      assert.throws(() => store.loadArtifactSync(ref, ctx), CorruptDataError);
    }
  });

  it('a truncated, foreign or missing blob is an error too', async () => {
    const { store, root } = open('broken');
    const ref = await store.saveArtifact('x'.repeat(10_000), ctx);
    const file = path.join(root, 'BlobFlow', 'data', ref.sha.slice(0, 2), ref.sha);
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, good.subarray(0, good.length - 10));
    await assert.rejects(() => store.loadArtifact(ref, ctx), CorruptDataError);
    fs.writeFileSync(file, 'not a blob at all');
    await assert.rejects(() => store.loadArtifact(ref, ctx), /does not start with a tsflow blob header/);
    fs.rmSync(file);
    await assert.rejects(() => store.loadArtifact(ref, ctx), /is missing/);
    assert.throws(() => store.loadArtifactSync(ref, ctx), /is missing/);
  });
});

// Content-addressed blobs: `<Flow>/data/<sha[:2]>/<sha>`, keyed by the sha256 of the serialized
// (uncompressed) bytes, written once, verified on every read.
//
// A blob file is a 16-byte header followed by the payload:
//   0..3   magic 'TSFB'
//   4      format version (1)
//   5      codec: 0 = none (the bytes themselves), 1 = snappy blocks (below)
//   6..7   reserved (0)
//   8..15  size of the uncompressed bytes, u64 little-endian
// The header lets the codec change later without touching manifests, and its 16 bytes keep an
// uncompressed payload 8-byte aligned so a Float64Array can view it without a copy.
//
// Snappy payload: u32 block size, u32 block count, one u32 compressed length per block, then the
// blocks, each an independent snappy block of `block size` input bytes (the last may be shorter).
// Blocks let the libuv pool (de)compress several at once while this thread hashes: on load, each
// block is hashed and copied into place as soon as it is out, the next ones still decompressing.
//
// Codec choice: small blobs (< 4 KiB) are stored as-is, which also means the snappy native module
// (~15 ms to load) is never loaded by a task that only handles small values. Large blobs are
// sampled first: already-compressed or random-looking data (float weights, media) skips
// compression entirely; otherwise the compressed form is kept only if it is clearly smaller.

import type { Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { CorruptDataError } from '../errors.js';
import { nodeCrypto } from '../util/lazy-builtins.js';
import { sha256Hex } from '../util/sha256.js';
import { snappyUncompress } from './snappy-js.js';
import type { FlowLayout } from './layout.js';
import type { ArtifactContext, StorageBackend } from './types.js';

type Snappy = typeof import('snappy');

export const BLOB_MAGIC = 'TSFB';
export const BLOB_FORMAT_VERSION = 1;
export const BLOB_HEADER_SIZE = 16;
export const CODEC_NONE = 0;
export const CODEC_SNAPPY = 1;

/** Below this size compression is not worth a native call (or loading snappy at all). */
const MIN_COMPRESS_BYTES = 4096;
/** From this size, a sample decides whether compressing the whole value is worth it. */
const SAMPLE_FROM_BYTES = 1 << 20;
const SAMPLE_CHUNK = 64 * 1024;
const SAMPLE_CHUNKS = 4;
/** Keep the compressed form only when it saves at least this fraction. */
const MIN_SAVING = 0.1;
/** Blobs up to this size are written before checking for a copy on remote backends (see save). */
const REMOTE_WRITE_FIRST_BYTES = 256 * 1024;
/** Uncompressed bytes per snappy block. */
const BLOCK_SIZE = 1 << 20;

let snappyModule: Snappy | null | undefined;
/**
 * snappy, loaded on first use (synchronously, so the sync read path can use it too); null where
 * the native addon is missing (a bundled code package in a container): then blobs are written
 * uncompressed and read with the JavaScript decoder.
 */
function nativeSnappy(): Snappy | null {
  if (snappyModule === undefined) {
    try {
      snappyModule = createRequire(import.meta.url)('snappy') as Snappy;
    } catch {
      snappyModule = null;
    }
  }
  return snappyModule;
}

function snappy(): Pick<Snappy, 'uncompress' | 'uncompressSync'> & Partial<Snappy> {
  const native = nativeSnappy();
  if (native) return native;
  return {
    uncompressSync: ((b: Uint8Array) => snappyUncompress(b)) as Snappy['uncompressSync'],
    uncompress: (async (b: Uint8Array) => snappyUncompress(b)) as Snappy['uncompress'],
  };
}

// Small blobs (a trivial task's) are hashed without loading `node:crypto` (util/sha256.ts).
export { sha256Hex };

function header(codec: number, size: number): Buffer {
  const h = Buffer.alloc(BLOB_HEADER_SIZE);
  h.write(BLOB_MAGIC, 0, 'latin1');
  h.writeUInt8(BLOB_FORMAT_VERSION, 4);
  h.writeUInt8(codec, 5);
  h.writeBigUInt64LE(BigInt(size), 8);
  return h;
}

/** Whether compressing `bytes` is likely worth it, judged from a few evenly spread samples. */
function looksCompressible(bytes: Buffer): boolean {
  if (bytes.byteLength < SAMPLE_FROM_BYTES) return true;
  const { compressSync } = nativeSnappy()!;
  const step = Math.floor((bytes.byteLength - SAMPLE_CHUNK) / (SAMPLE_CHUNKS - 1));
  let raw = 0;
  let packed = 0;
  for (let i = 0; i < SAMPLE_CHUNKS; i++) {
    const chunk = bytes.subarray(i * step, i * step + SAMPLE_CHUNK);
    raw += chunk.byteLength;
    packed += compressSync(chunk).byteLength;
  }
  return packed <= raw * (1 - MIN_SAVING);
}

/** Compresses `bytes` block by block on the libuv pool; the table goes first in the payload. */
async function compressBlocks(bytes: Buffer): Promise<Buffer[]> {
  const { compress } = nativeSnappy()!;
  const jobs: Promise<Buffer>[] = [];
  for (let off = 0; off < bytes.byteLength; off += BLOCK_SIZE) {
    jobs.push(compress(bytes.subarray(off, off + BLOCK_SIZE)));
  }
  const blocks = await Promise.all(jobs);
  const table = Buffer.alloc(8 + 4 * blocks.length);
  table.writeUInt32LE(BLOCK_SIZE, 0);
  table.writeUInt32LE(blocks.length, 4);
  blocks.forEach((b, i) => {
    table.writeUInt32LE(b.byteLength, 8 + 4 * i);
  });
  return [table, ...blocks];
}

interface Block {
  packed: Buffer;
  /** Its uncompressed size. */
  size: number;
}

export interface SavedBlob {
  sha: string;
  /** Uncompressed size. */
  size: number;
  /** False when a blob with this sha was already there (nothing written). */
  written: boolean;
}

interface Parsed {
  codec: number;
  size: number;
  payload: Buffer;
}

export class ContentStore {
  constructor(
    readonly backend: StorageBackend,
    private readonly layout: FlowLayout,
  ) {}

  key(sha: string): string {
    return this.layout.blob(sha);
  }

  /** Where a blob lives, for messages. */
  location(sha: string): string {
    return `${this.backend.root.replace(/\/+$/, '')}/${this.key(sha)}`;
  }

  /** Stores `bytes` (the serialized value) under their sha256, once. */
  async save(bytes: Buffer): Promise<SavedBlob> {
    const size = bytes.byteLength;
    const compress = size >= MIN_COMPRESS_BYTES && nativeSnappy() !== null && looksCompressible(bytes);
    // Compression runs on the libuv pool while this thread hashes.
    const packedPromise = compress ? compressBlocks(bytes) : undefined;
    packedPromise?.catch(() => {}); // awaited below; never an unhandled rejection on early return
    const sha = sha256Hex(bytes);
    const key = this.key(sha);
    // On a remote backend a round trip costs more than a small body: write first (one request
    // for a new blob, the common case) and refresh only when the blob turns out to be there.
    const writeFirst = this.backend.kind !== 'local' && size <= REMOTE_WRITE_FIRST_BYTES;
    // Already stored: refresh its time instead, so a concurrent `gc` leaves it alone.
    if (!writeFirst && (await this.backend.touch(key))) return { sha, size, written: false };

    let codec = CODEC_NONE;
    let body: Uint8Array[] = [bytes];
    if (packedPromise) {
      const packed = await packedPromise;
      if (packed.reduce((n, b) => n + b.byteLength, 0) <= size * (1 - MIN_SAVING)) {
        codec = CODEC_SNAPPY;
        body = packed;
      }
    }
    const chunks = [header(codec, size), ...body];
    const written = await this.backend.put(key, chunks, { ifAbsent: true });
    if (!writeFirst || written) return { sha, size, written };
    if (await this.backend.touch(key)) return { sha, size, written: false };
    // Swept by `gc` between the two requests: store it again.
    return { sha, size, written: await this.backend.put(key, chunks, { ifAbsent: true }) };
  }

  /** Reads, decompresses and verifies a blob; anything off throws CorruptDataError naming artifact, task and file. */
  async load(sha: string, ctx: ArtifactContext): Promise<Buffer> {
    const parsed = this.parse(sha, await this.backend.get(this.key(sha)), ctx);
    if (parsed.codec === CODEC_NONE) return this.verify(sha, parsed, ctx);
    const blocks = this.blocks(sha, parsed, ctx);
    const { uncompress } = snappy();
    // Every block is queued on the pool at once; this thread hashes and places them in order.
    const jobs = blocks.map((b) => uncompress(b.packed, { asBuffer: true }) as Promise<Buffer>);
    for (const j of jobs) j.catch(() => {});
    const out = Buffer.allocUnsafeSlow(parsed.size);
    const hash = nodeCrypto().createHash('sha256');
    let offset = 0;
    for (let i = 0; i < blocks.length; i++) {
      let raw: Buffer;
      try {
        raw = await jobs[i]!;
      } catch (e) {
        throw this.corrupt(sha, ctx, `does not decompress (block ${i}: ${(e as Error).message})`);
      }
      offset = this.place(sha, ctx, raw, blocks[i]!, i, out, offset, hash);
    }
    return this.checkDigest(sha, hash, out, ctx);
  }

  /** `load`, synchronously (backends with `getSync` only). */
  loadSync(sha: string, ctx: ArtifactContext): Buffer {
    const getSync = this.backend.getSync;
    if (!getSync) {
      throw new Error(
        `the ${this.backend.kind} datastore cannot be read synchronously (${this.backend.root})`,
      );
    }
    const parsed = this.parse(sha, getSync(this.key(sha)), ctx);
    if (parsed.codec === CODEC_NONE) return this.verify(sha, parsed, ctx);
    const blocks = this.blocks(sha, parsed, ctx);
    const { uncompressSync } = snappy();
    const out = Buffer.allocUnsafeSlow(parsed.size);
    const hash = nodeCrypto().createHash('sha256');
    let offset = 0;
    for (let i = 0; i < blocks.length; i++) {
      let raw: Buffer;
      try {
        raw = uncompressSync(blocks[i]!.packed, { asBuffer: true }) as Buffer;
      } catch (e) {
        throw this.corrupt(sha, ctx, `does not decompress (block ${i}: ${(e as Error).message})`);
      }
      offset = this.place(sha, ctx, raw, blocks[i]!, i, out, offset, hash);
    }
    return this.checkDigest(sha, hash, out, ctx);
  }

  private parse(sha: string, file: Buffer | null, ctx: ArtifactContext): Parsed {
    if (!file) throw this.corrupt(sha, ctx, 'is missing', false);
    if (file.byteLength < BLOB_HEADER_SIZE || file.toString('latin1', 0, 4) !== BLOB_MAGIC) {
      throw this.corrupt(sha, ctx, 'does not start with a tsflow blob header');
    }
    const version = file.readUInt8(4);
    const codec = file.readUInt8(5);
    if (version !== BLOB_FORMAT_VERSION || (codec !== CODEC_NONE && codec !== CODEC_SNAPPY)) {
      throw this.corrupt(
        sha,
        ctx,
        `has format ${version} / codec ${codec}, unknown to this tsflow (written by a newer one?)`,
      );
    }
    const size = file.readBigUInt64LE(8);
    if (size > BigInt(Number.MAX_SAFE_INTEGER))
      throw this.corrupt(sha, ctx, 'has a header giving an impossible size');
    return { codec, size: Number(size), payload: file.subarray(BLOB_HEADER_SIZE) };
  }

  /** Splits a snappy payload into its blocks, checking the table against the header's size. */
  private blocks(sha: string, parsed: Parsed, ctx: ArtifactContext): Block[] {
    const { payload, size } = parsed;
    const bad = (why: string) => this.corrupt(sha, ctx, `has a damaged block table (${why})`);
    if (payload.byteLength < 8) throw bad('too short');
    const blockSize = payload.readUInt32LE(0);
    const count = payload.readUInt32LE(4);
    if (blockSize === 0 || count !== Math.ceil(size / blockSize))
      throw bad(`${count} blocks of ${blockSize} bytes for ${size} bytes`);
    let offset = 8 + 4 * count;
    if (payload.byteLength < offset) throw bad('too short');
    const out: Block[] = [];
    for (let i = 0; i < count; i++) {
      const len = payload.readUInt32LE(8 + 4 * i);
      if (offset + len > payload.byteLength) throw bad(`block ${i} runs past the end`);
      out.push({
        packed: payload.subarray(offset, offset + len),
        size: Math.min(blockSize, size - i * blockSize),
      });
      offset += len;
    }
    if (offset !== payload.byteLength) throw bad(`${payload.byteLength - offset} bytes after the last block`);
    return out;
  }

  /** Copies one decompressed block into place and hashes it; returns the next offset. */
  private place(
    sha: string,
    ctx: ArtifactContext,
    raw: Buffer,
    block: Block,
    i: number,
    out: Buffer,
    offset: number,
    hash: Hash,
  ): number {
    if (raw.byteLength !== block.size) {
      throw this.corrupt(
        sha,
        ctx,
        `has block ${i} of ${raw.byteLength} bytes where ${block.size} were expected`,
      );
    }
    raw.copy(out, offset);
    hash.update(raw);
    return offset + raw.byteLength;
  }

  /** An uncompressed payload: the bytes themselves. */
  private verify(sha: string, { payload, size }: Parsed, ctx: ArtifactContext): Buffer {
    if (payload.byteLength !== size) {
      throw this.corrupt(sha, ctx, `holds ${payload.byteLength} bytes where its header says ${size}`);
    }
    return this.checkDigest(sha, sha256Hex(payload), payload, ctx);
  }

  private checkDigest(sha: string, hash: Hash | string, bytes: Buffer, ctx: ArtifactContext): Buffer {
    const actual = typeof hash === 'string' ? hash : hash.digest('hex');
    if (actual !== sha)
      throw this.corrupt(sha, ctx, `does not match its name: its content hashes to ${actual}`);
    return bytes;
  }

  private corrupt(sha: string, ctx: ArtifactContext, why: string, exists = true): CorruptDataError {
    // A blob is written only when absent, so a damaged one must be deleted before a re-run can replace it.
    const fix = exists ? 'Delete that file and re-run' : 'Re-run';
    return new CorruptDataError(
      `artifact '${ctx.artifact}' of task ${ctx.pathspec} cannot be trusted: its blob ${this.location(sha)} ${why}. ` +
        `${fix} the task that produced the value.`,
    );
  }
}

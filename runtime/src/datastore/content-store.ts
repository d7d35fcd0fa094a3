// Content-addressed blobs: `<Flow>/data/<sha[:2]>/<sha>`, keyed by the sha256 of the serialized
// (uncompressed) bytes, written once, verified on every read.
//
// A blob file is a 16-byte header followed by the payload:
//   0..3   magic 'TSFB'
//   4      format version (1)
//   5      codec: 0 = none, 1 = snappy (raw snappy block of the whole payload)
//   6..7   reserved (0)
//   8..15  size of the uncompressed bytes, u64 little-endian
// The header lets the codec change later without touching manifests, and its 16 bytes keep an
// uncompressed payload 8-byte aligned so a Float64Array can view it without a copy.
//
// Codec choice: small blobs (< 4 KiB) are stored as-is, which also means the snappy native module
// (~15 ms to load) is never loaded by a task that only handles small values. Large blobs are
// sampled first: already-compressed or random-looking data (floats, images) skips compression
// entirely; otherwise the compressed form is kept only if it is clearly smaller.

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { CorruptDataError } from '../errors.js';
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

let snappyModule: Snappy | undefined;
/** snappy, loaded on first use (synchronously, so the sync read path can use it too). */
function snappy(): Snappy {
  if (!snappyModule) {
    const load = createRequire(import.meta.url);
    snappyModule = load('snappy') as Snappy;
  }
  return snappyModule;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

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
  const { compressSync } = snappy();
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
    const compress = size >= MIN_COMPRESS_BYTES && looksCompressible(bytes);
    // Compression runs on the libuv pool while this thread hashes.
    const packedPromise = compress ? snappy().compress(bytes) : undefined;
    packedPromise?.catch(() => {}); // awaited below; never an unhandled rejection on early return
    const sha = sha256Hex(bytes);
    const key = this.key(sha);
    if (await this.backend.exists(key)) return { sha, size, written: false };

    let codec = CODEC_NONE;
    let body: Uint8Array = bytes;
    if (packedPromise) {
      const packed = await packedPromise;
      if (packed.byteLength <= size * (1 - MIN_SAVING)) {
        codec = CODEC_SNAPPY;
        body = packed;
      }
    }
    const written = await this.backend.put(key, [header(codec, size), body], { ifAbsent: true });
    return { sha, size, written };
  }

  /** Reads, decompresses and verifies a blob; anything off throws CorruptDataError naming artifact, task and file. */
  async load(sha: string, ctx: ArtifactContext): Promise<Buffer> {
    const file = await this.backend.get(this.key(sha));
    const parsed = this.parse(sha, file, ctx);
    let bytes: Buffer;
    if (parsed.codec === CODEC_SNAPPY) {
      try {
        bytes = (await snappy().uncompress(parsed.payload, { asBuffer: true })) as Buffer;
      } catch (e) {
        throw this.corrupt(sha, ctx, `does not decompress (${(e as Error).message})`);
      }
    } else {
      bytes = parsed.payload;
    }
    return this.verify(sha, parsed.size, bytes, ctx);
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
    let bytes: Buffer;
    if (parsed.codec === CODEC_SNAPPY) {
      try {
        bytes = snappy().uncompressSync(parsed.payload, { asBuffer: true }) as Buffer;
      } catch (e) {
        throw this.corrupt(sha, ctx, `does not decompress (${(e as Error).message})`);
      }
    } else {
      bytes = parsed.payload;
    }
    return this.verify(sha, parsed.size, bytes, ctx);
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

  private verify(sha: string, size: number, bytes: Buffer, ctx: ArtifactContext): Buffer {
    if (bytes.byteLength !== size) {
      throw this.corrupt(sha, ctx, `holds ${bytes.byteLength} bytes where its header says ${size}`);
    }
    const actual = sha256Hex(bytes);
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

// `StorageBackend` on S3 (AWS or any S3-compatible server: Ceph's RADOS gateway, MinIO...).
// Keys map to `<prefix>/<key>` in the bucket of an `s3://bucket/prefix` root.
//
// The AWS SDK is loaded on the first request, never at import: a local run does not pay for it.
//
// How the contract maps onto S3:
// - Atomic writes: an S3 PUT is all or nothing, and a multipart upload is invisible (not in GET,
//   HEAD or listings) until CompleteMultipartUpload; a failed one is aborted. An upload whose
//   process died stays pending and invisible (a bucket lifecycle rule aborting incomplete uploads
//   reclaims its space).
// - `ifAbsent`: a conditional PUT, `If-None-Match: *`: the server lets exactly one writer create
//   the key and answers 412 to the others. Run-id claims and `.done` markers are small, so they
//   always take this single-PUT path. Multipart uploads (large blobs) check with HEAD first and
//   send `If-None-Match: *` on CompleteMultipartUpload too, which AWS S3 honours; servers that
//   ignore it there (Ceph 16 does) let two concurrent uploads of the same large key both succeed,
//   the later one replacing the earlier. tsflow only writes large objects at content-addressed
//   keys, where every writer writes the same bytes, so that is harmless.
// - `touch`: a copy of the object onto itself (new metadata), which sets its Last-Modified to now.
// - `append` (task logs): S3 cannot append, so the backend keeps the content of each key it
//   appends to (up to a memory budget) and rewrites the whole object; readers see the log grow at
//   every flush (large logs: at most every few seconds, see `append`). One process appends to a
//   given log (the scheduler), so the content it keeps is the truth; a key that fell out of
//   memory is read back first.
// - Reads of large objects are split into ranged GETs fetched in parallel (pinned with If-Match
//   to the first range's ETag, so an object replaced mid-read is read again, never mixed).
// - Retries: the SDK's standard mode (exponential backoff with jitter) on throttling, 5xx,
//   timeouts and connection errors, `maxAttempts` tries in all. What still fails becomes a
//   StorageError naming the operation, the object and the endpoint, without credentials or
//   signed URLs.

import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { StorageError } from '../errors.js';
import {
  formatS3Root,
  parseS3Root,
  redactUrl,
  resolveS3Connection,
  type S3Connection,
  type S3Location,
} from './s3-config.js';
import type { StorageBackend } from './types.js';

type Sdk = typeof import('@aws-sdk/client-s3');
type PutData = Buffer | string | readonly Uint8Array[];
type Env = Record<string, string | undefined>;

const MiB = 1024 * 1024;

export interface S3BackendOptions {
  /** Environment for the endpoint, region and credentials (default `process.env`). */
  env?: Env;
  /** Overrides what the environment says (tests, benchmarks). */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Static credentials instead of the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Objects larger than this go up in a multipart upload (default two parts: 16 MiB). */
  multipartThreshold?: number;
  /** Part size of multipart uploads and ranged reads (default 8 MiB, env TSFLOW_S3_PART_MB; at least 5 MiB). */
  partSize?: number;
  /** Parts of one object moved at once (default 8, env TSFLOW_S3_PART_CONCURRENCY). */
  partConcurrency?: number;
  /** Connections per backend (default 64). */
  maxSockets?: number;
  /** Tries per request, the first included (default 8, about 6 s of backoff; env TSFLOW_S3_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** Bytes of appended logs kept in memory (default 64 MiB). */
  logCacheBytes?: number;
}

interface Ready {
  sdk: Sdk;
  client: S3Client;
}

interface LogEntry {
  /** The object's content as last uploaded (or read back), once known. */
  text?: string;
  /** Appended, not yet part of an upload. */
  unsaved: string;
  /** The upload that will carry `unsaved` (every append until it starts shares it). */
  next?: Promise<void>;
  /** Uploads of one key, one after the other. */
  chain: Promise<void>;
  uploading: boolean;
  lastPut: number;
}

/** Logs up to this size are rewritten at every append; larger ones at most every size / 1 MiB/s, 5 s at most. */
const LOG_FREE_BYTES = 256 * 1024;
const LOG_MAX_INTERVAL_MS = 5000;

let sdkPromise: Promise<Sdk> | undefined;

/**
 * The SDK, loaded on first use: its CommonJS build where it can be resolved (about 150 ms here,
 * against 250 ms for the ES module build), else the `import()` below, which a bundler that
 * bundles the datastore (the code package of remote tasks) resolves and inlines.
 */
function loadSdk(): Promise<Sdk> {
  // The SDK warns on Node 20 that releases after January 2027 need Node 22; tsflow pins a release
  // that supports Node 20, so the warning would only clutter every task's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  sdkPromise ??= (async () => {
    try {
      return createRequire(import.meta.url)('@aws-sdk/client-s3') as Sdk;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    }
    return import('@aws-sdk/client-s3');
  })();
  return sdkPromise;
}

/**
 * Loads the SDK now (a task process that knows its datastore is S3 does this while it waits for
 * its task, so the task does not pay for it).
 */
export function preloadS3Sdk(): void {
  loadSdk().catch(() => {});
}

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function nameOf(e: unknown): string {
  const err = e as { name?: string; Code?: string } | null;
  return err?.Code ?? err?.name ?? '';
}

function isNotFound(e: unknown): boolean {
  const n = nameOf(e);
  return statusOf(e) === 404 && (n === 'NoSuchKey' || n === 'NotFound' || n === 'NoSuchKey404' || n === '');
}

function isPreconditionFailed(e: unknown): boolean {
  return statusOf(e) === 412 || nameOf(e) === 'PreconditionFailed';
}

/** AWS answers 409 when conditional writes of one key race; the request may be retried. */
function isConditionalConflict(e: unknown): boolean {
  return statusOf(e) === 409 && nameOf(e) === 'ConditionalRequestConflict';
}

function toBuffer(c: Uint8Array): Buffer {
  return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

/** Bytes [start, end) of the concatenation of `chunks`, without copying when they lie in one chunk. */
function sliceChunks(chunks: readonly Buffer[], start: number, end: number): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (const c of chunks) {
    const cEnd = offset + c.byteLength;
    if (cEnd > start && offset < end)
      parts.push(c.subarray(Math.max(0, start - offset), Math.min(c.byteLength, end - offset)));
    offset = cEnd;
    if (offset >= end) break;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Runs `fn` on 0..n-1 with at most `limit` in flight; the first failure rejects (others finish). */
async function forEachLimit(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await fn(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

/** Copies a response body into `out` at `offset`; returns the bytes read. */
async function readInto(body: unknown, out: Buffer, offset: number, expected: number): Promise<number> {
  let n = 0;
  for await (const chunk of body as Readable) {
    const b = chunk as Buffer;
    if (n + b.byteLength > expected)
      throw new Error(`the response holds more than the ${expected} bytes announced`);
    b.copy(out, offset + n);
    n += b.byteLength;
  }
  if (n !== expected) throw new Error(`the response ended after ${n} of ${expected} bytes`);
  return n;
}

/** `bytes a-b/total` → total. */
function totalOf(contentRange: string | undefined): number | undefined {
  const m = /\/(\d+)\s*$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : undefined;
}

export class S3Backend implements StorageBackend {
  readonly kind = 's3' as const;
  readonly root: string;
  readonly location: S3Location;
  /** Where requests go, for messages: the custom endpoint or "AWS S3". */
  readonly where: string;
  private readonly conn: S3Connection;
  private readonly opts: S3BackendOptions;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly partConcurrency: number;
  private ready?: Promise<Ready>;
  private readonly logs = new Map<string, LogEntry>();
  private logBytes = 0;

  constructor(root: string, opts: S3BackendOptions = {}) {
    this.location = parseS3Root(root);
    this.root = formatS3Root(this.location);
    this.opts = opts;
    const fromEnv = resolveS3Connection(opts.env ?? process.env);
    const endpoint = opts.endpoint ?? fromEnv.endpoint;
    this.conn = {
      ...(endpoint ? { endpoint } : {}),
      forcePathStyle: opts.forcePathStyle ?? (endpoint ? true : fromEnv.forcePathStyle),
      ...((opts.region ?? fromEnv.region) ? { region: opts.region ?? fromEnv.region } : {}),
    };
    if (endpoint && !this.conn.region) this.conn.region = 'us-east-1';
    this.where = endpoint ? redactUrl(endpoint) : `AWS S3${this.conn.region ? ` (${this.conn.region})` : ''}`;
    const env = opts.env ?? process.env;
    const envNumber = (name: string) => (Number(env[name]) > 0 ? Number(env[name]) : undefined);
    const envPartMiB = envNumber('TSFLOW_S3_PART_MB');
    this.partSize = Math.max(5 * MiB, opts.partSize ?? (envPartMiB ? envPartMiB * MiB : 8 * MiB));
    this.multipartThreshold = Math.max(this.partSize, opts.multipartThreshold ?? 2 * this.partSize);
    this.partConcurrency = Math.max(1, opts.partConcurrency ?? envNumber('TSFLOW_S3_PART_CONCURRENCY') ?? 8);
  }

  /** The SDK and a client, created on first use. */
  private client(): Promise<Ready> {
    this.ready ??= (async () => {
      const sdk = await loadSdk();
      // require, not import(): the task runner runs from a code cache, where import() is not
      // available (util/import-module.ts).
      const requireHere = createRequire(import.meta.url);
      const http = requireHere('node:http') as typeof import('node:http');
      const https = requireHere('node:https') as typeof import('node:https');
      const env = this.opts.env ?? process.env;
      const maxSockets = this.opts.maxSockets ?? 64;
      const maxAttempts =
        this.opts.maxAttempts ??
        (Number(env.TSFLOW_S3_MAX_ATTEMPTS) > 0 ? Number(env.TSFLOW_S3_MAX_ATTEMPTS) : 8);
      const client = new sdk.S3Client({
        ...(this.conn.endpoint ? { endpoint: this.conn.endpoint } : {}),
        ...(this.conn.region ? { region: this.conn.region } : {}),
        forcePathStyle: this.conn.forcePathStyle,
        // A bucket in another region than configured still works (AWS redirects once).
        followRegionRedirects: true,
        ...(this.opts.credentials ? { credentials: this.opts.credentials } : {}),
        maxAttempts,
        retryMode: 'standard',
        // Blobs carry their own sha256, checked on every read; CRC32 request checksums beyond
        // what S3 requires cost CPU on large uploads and trip up older S3-compatible servers.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: {
          connectionTimeout: 5_000,
          requestTimeout: 120_000,
          httpAgent: new http.Agent({ keepAlive: true, maxSockets }) as HttpAgent,
          httpsAgent: new https.Agent({ keepAlive: true, maxSockets }) as HttpsAgent,
        },
      });
      return { sdk, client };
    })();
    return this.ready;
  }

  /**
   * A URL that GETs one object without credentials until it expires: how a Batch container with
   * nothing but Node installed downloads the run's code package. Not logged: it grants access.
   */
  async presignGet(key: string, expiresSeconds: number): Promise<string> {
    const { sdk, client } = await this.client();
    const { getSignedUrl } = createRequire(import.meta.url)(
      '@aws-sdk/s3-request-presigner',
    ) as typeof import('@aws-sdk/s3-request-presigner');
    return getSignedUrl(
      client,
      new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }),
      {
        expiresIn: expiresSeconds,
      },
    );
  }

  /** What a remote task's environment needs to reach this datastore: endpoint and region, never credentials. */
  containerEnv(): Record<string, string> {
    return {
      ...(this.conn.endpoint ? { AWS_ENDPOINT_URL_S3: this.conn.endpoint } : {}),
      ...(this.conn.region ? { AWS_REGION: this.conn.region } : {}),
    };
  }

  /** Closes the connections (a process that exits need not call it). */
  async close(): Promise<void> {
    if (!this.ready) return;
    const { client } = await this.ready;
    client.destroy();
    this.ready = undefined;
  }

  /** The object key of a datastore key. Keys are '/'-separated; empty, '.' and '..' segments are refused. */
  objectKey(key: string): string {
    for (const p of key.split('/')) {
      if (p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0')) {
        throw new Error(`invalid datastore key ${JSON.stringify(key)}`);
      }
    }
    return this.location.prefix ? `${this.location.prefix}/${key}` : key;
  }

  /** The folder-like prefix (ending in '/', or '' for the root) of a datastore prefix. */
  private folder(prefix: string): string {
    const p = prefix.replace(/\/+$/, '');
    if (p === '') return this.location.prefix ? `${this.location.prefix}/` : '';
    return `${this.objectKey(p)}/`;
  }

  private url(objectKey: string): string {
    return `s3://${this.location.bucket}/${objectKey}`;
  }

  /** A StorageError for a failed request: what, which object, where, why; never a secret. */
  private fail(op: string, what: string, e: unknown): StorageError {
    if (e instanceof StorageError) return e;
    const err = e as {
      name?: string;
      code?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number; attempts?: number };
    };
    const status = err?.$metadata?.httpStatusCode;
    const attempts = err?.$metadata?.attempts;
    // Servers that send no error message leave the SDK saying 'UnknownError': the name says more.
    const message = err?.message && err.message !== 'UnknownError' ? err.message : '';
    let why = message || err?.name || String(e);
    if (err?.name && err.name !== 'Error' && !why.startsWith(err.name)) why = `${err.name}: ${why}`;
    if (err?.code && !why.includes(err.code)) why = `${err.code}: ${why}`;
    if (status) why += ` (HTTP ${status})`;
    if (attempts && attempts > 1) why += ` after ${attempts} attempts`;
    return new StorageError(this.redact(`S3 ${op} ${what} failed at ${this.where}: ${why}`));
  }

  /** Removes anything secret-looking: configured secrets, signatures and credentials in URLs or headers. */
  private redact(text: string): string {
    const env = this.opts.env ?? process.env;
    let out = text;
    for (const secret of [
      this.opts.credentials?.secretAccessKey,
      this.opts.credentials?.sessionToken,
      env.AWS_SECRET_ACCESS_KEY,
      env.AWS_SESSION_TOKEN,
    ]) {
      if (secret && secret.length >= 8) out = out.split(secret).join('***');
    }
    return out
      .replace(/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi, '$1***')
      .replace(/(Signature=)[^&\s,"']+/g, '$1***')
      .replace(/(Authorization:?\s*)(AWS4-HMAC-SHA256\s+)?[^\n]+/gi, '$1***');
  }

  async get(key: string): Promise<Buffer | null> {
    const k = this.objectKey(key);
    for (let tries = 0; ; tries++) {
      try {
        return await this.getOnce(k);
      } catch (e) {
        if (isNotFound(e)) return null;
        // Replaced between two ranged reads: read the new version from the start.
        if (isPreconditionFailed(e) && tries < 3) continue;
        throw this.fail('GET', this.url(k), e);
      }
    }
  }

  private async getOnce(k: string): Promise<Buffer> {
    const { sdk, client } = await this.client();
    const Bucket = this.location.bucket;
    const part = this.partSize;
    let first: GetObjectCommandOutput;
    try {
      first = await client.send(new sdk.GetObjectCommand({ Bucket, Key: k, Range: `bytes=0-${part - 1}` }));
    } catch (e) {
      // A range of an empty object cannot be satisfied: the object is there, with no bytes.
      if (statusOf(e) === 416 || nameOf(e) === 'InvalidRange') return Buffer.alloc(0);
      throw e;
    }
    const firstLength = first.ContentLength ?? 0;
    const total = totalOf(first.ContentRange) ?? firstLength;
    const out = Buffer.allocUnsafe(total);
    await readInto(first.Body, out, 0, firstLength);
    if (total <= firstLength) return out;
    const rest = Math.ceil((total - firstLength) / part);
    await forEachLimit(rest, this.partConcurrency, async (i) => {
      const start = firstLength + i * part;
      const end = Math.min(total, start + part);
      const r = await client.send(
        new sdk.GetObjectCommand({
          Bucket,
          Key: k,
          Range: `bytes=${start}-${end - 1}`,
          ...(first.ETag ? { IfMatch: first.ETag } : {}),
        }),
      );
      await readInto(r.Body, out, start, end - start);
    });
    return out;
  }

  async put(key: string, data: PutData, opts: { ifAbsent?: boolean } = {}): Promise<boolean> {
    const k = this.objectKey(key);
    const chunks =
      typeof data === 'string'
        ? [Buffer.from(data)]
        : Buffer.isBuffer(data)
          ? [data]
          : (data as readonly Uint8Array[]).map(toBuffer);
    const size = chunks.reduce((n, c) => n + c.byteLength, 0);
    const ifAbsent = opts.ifAbsent ?? false;
    try {
      if (size > this.multipartThreshold) return await this.putMultipart(k, chunks, size, ifAbsent);
      return await this.putSingle(
        k,
        chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size),
        ifAbsent,
      );
    } catch (e) {
      throw this.fail('PUT', this.url(k), e);
    }
  }

  private async putSingle(k: string, body: Buffer, ifAbsent: boolean): Promise<boolean> {
    const { sdk, client } = await this.client();
    for (let conflicts = 0; ; conflicts++) {
      try {
        await client.send(
          new sdk.PutObjectCommand({
            Bucket: this.location.bucket,
            Key: k,
            Body: body,
            ContentLength: body.byteLength,
            ...(ifAbsent ? { IfNoneMatch: '*' } : {}),
          }),
        );
        return true;
      } catch (e) {
        if (ifAbsent && isPreconditionFailed(e)) return false;
        if (ifAbsent && isConditionalConflict(e) && conflicts < 5) {
          await new Promise((r) => setTimeout(r, 50 * 2 ** conflicts));
          continue;
        }
        throw e;
      }
    }
  }

  private async putMultipart(k: string, chunks: Buffer[], size: number, ifAbsent: boolean): Promise<boolean> {
    const { sdk, client } = await this.client();
    const Bucket = this.location.bucket;
    if (ifAbsent && (await this.head(k)) !== null) return false;
    // S3 allows at most 10,000 parts.
    const partSize = Math.max(this.partSize, Math.ceil(size / 10_000));
    const count = Math.ceil(size / partSize);
    const { UploadId } = await client.send(new sdk.CreateMultipartUploadCommand({ Bucket, Key: k }));
    if (!UploadId) throw new Error('the server started a multipart upload without an upload id');
    try {
      const etags: string[] = new Array(count);
      await forEachLimit(count, this.partConcurrency, async (i) => {
        const body = sliceChunks(chunks, i * partSize, Math.min(size, (i + 1) * partSize));
        const r = await client.send(
          new sdk.UploadPartCommand({
            Bucket,
            Key: k,
            UploadId,
            PartNumber: i + 1,
            Body: body,
            ContentLength: body.byteLength,
          }),
        );
        if (!r.ETag) throw new Error(`part ${i + 1} was stored without an ETag`);
        etags[i] = r.ETag;
      });
      await client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket,
          Key: k,
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
          ...(ifAbsent ? { IfNoneMatch: '*' } : {}),
        }),
      );
      return true;
    } catch (e) {
      // Never leave the parts behind (they are invisible, but they take space).
      await client.send(new sdk.AbortMultipartUploadCommand({ Bucket, Key: k, UploadId })).catch(() => {});
      if (ifAbsent && isPreconditionFailed(e)) return false;
      throw e;
    }
  }

  /** HEAD: size and time, or null when absent (raw errors: callers wrap them). */
  private async head(k: string): Promise<{ size: number; modifiedAt: number } | null> {
    const { sdk, client } = await this.client();
    try {
      const r = await client.send(new sdk.HeadObjectCommand({ Bucket: this.location.bucket, Key: k }));
      return { size: r.ContentLength ?? 0, modifiedAt: r.LastModified?.getTime() ?? 0 };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async stat(key: string): Promise<{ size: number; modifiedAt: number } | null> {
    const k = this.objectKey(key);
    try {
      return await this.head(k);
    } catch (e) {
      throw this.fail('HEAD', this.url(k), e);
    }
  }

  async list(prefix: string): Promise<{ dirs: string[]; files: string[] }> {
    const folder = this.folder(prefix);
    const { sdk, client } = await this.client();
    const dirs: string[] = [];
    const files: string[] = [];
    let ContinuationToken: string | undefined;
    try {
      do {
        const r = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: folder,
            Delimiter: '/',
            ...(ContinuationToken ? { ContinuationToken } : {}),
          }),
        );
        for (const p of r.CommonPrefixes ?? []) {
          const name = (p.Prefix ?? '').slice(folder.length).replace(/\/$/, '');
          if (name && !name.startsWith('.')) dirs.push(name);
        }
        for (const o of r.Contents ?? []) {
          const name = (o.Key ?? '').slice(folder.length);
          if (name && !name.includes('/') && !name.startsWith('.')) files.push(name);
        }
        ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (ContinuationToken);
    } catch (e) {
      throw this.fail('LIST', this.url(folder), e);
    }
    dirs.sort();
    files.sort();
    return { dirs, files };
  }

  async touch(key: string): Promise<boolean> {
    const k = this.objectKey(key);
    const { sdk, client } = await this.client();
    const Bucket = this.location.bucket;
    try {
      await client.send(
        new sdk.CopyObjectCommand({
          Bucket,
          Key: k,
          CopySource: `${Bucket}/${k.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'REPLACE',
          Metadata: { 'tsflow-touched': String(Date.now()) },
        }),
      );
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      // A single copy stops at 5 GiB: such an object is there, just not refreshed.
      if (statusOf(e) === 400 && /EntityTooLarge|InvalidRequest/.test(nameOf(e))) {
        const st = await this.head(k).catch(() => null);
        if (st) return true;
      }
      throw this.fail('COPY (touch)', this.url(k), e);
    }
  }

  async delete(key: string): Promise<void> {
    const k = this.objectKey(key);
    const { sdk, client } = await this.client();
    this.forgetLog(k);
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.location.bucket, Key: k }));
    } catch (e) {
      if (isNotFound(e)) return;
      throw this.fail('DELETE', this.url(k), e);
    }
  }

  async abortUploadsStartedBefore(prefix: string, before: number, dryRun = false): Promise<number> {
    const folder = this.folder(prefix);
    const { sdk, client } = await this.client();
    const Bucket = this.location.bucket;
    let count = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    try {
      for (;;) {
        const page = await client.send(
          new sdk.ListMultipartUploadsCommand({ Bucket, Prefix: folder, KeyMarker, UploadIdMarker }),
        );
        for (const u of page.Uploads ?? []) {
          if (!u.Key || !u.UploadId || !u.Initiated || u.Initiated.getTime() >= before) continue;
          count++;
          if (!dryRun)
            await client.send(
              new sdk.AbortMultipartUploadCommand({ Bucket, Key: u.Key, UploadId: u.UploadId }),
            );
        }
        if (!page.IsTruncated) return count;
        KeyMarker = page.NextKeyMarker;
        UploadIdMarker = page.NextUploadIdMarker;
      }
    } catch (e) {
      throw this.fail('ABORT unfinished uploads', `${this.url(folder)}*`, e);
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (prefix.replace(/\/+$/, '') === '')
      throw new Error('deletePrefix: refusing to delete the datastore root');
    const folder = this.folder(prefix);
    const { sdk, client } = await this.client();
    const Bucket = this.location.bucket;
    for (const k of [...this.logs.keys()]) if (k.startsWith(folder)) this.forgetLog(k);
    try {
      // Each page is deleted before the next is listed, so a page never lists deleted keys.
      for (;;) {
        const r = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: folder, MaxKeys: 1000 }));
        const keys = (r.Contents ?? []).map((o) => o.Key!).filter(Boolean);
        if (keys.length === 0) return;
        const d = await client.send(
          new sdk.DeleteObjectsCommand({
            Bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = d.Errors ?? [];
        if (failed.length > 0) {
          const f = failed[0]!;
          throw new Error(
            `${failed.length} objects were not deleted, e.g. ${f.Key}: ${f.Code} ${f.Message ?? ''}`,
          );
        }
      }
    } catch (e) {
      throw this.fail('DELETE', `${this.url(folder)}*`, e);
    }
  }

  /**
   * See the header: the content is kept here and the whole object rewritten. Appends that arrive
   * while an upload of the key runs share the next upload; a log past 256 KiB is rewritten at
   * most every (size / 1 MiB) seconds (5 s at most), so a chatty task does not cost its log's
   * size squared. The promise settles once the appended text is stored.
   */
  append(key: string, data: string): Promise<void> {
    const k = this.objectKey(key);
    let e = this.logs.get(k);
    if (e)
      this.logs.delete(k); // most recently used last, for eviction
    else e = { unsaved: '', chain: Promise.resolve(), uploading: false, lastPut: 0 };
    this.logs.set(k, e);
    const entry = e;
    entry.unsaved += data;
    if (!entry.next) {
      const upload = entry.chain.then(() => this.uploadLog(key, k, entry));
      entry.next = upload;
      entry.chain = upload.catch(() => {});
    }
    return entry.next;
  }

  private async uploadLog(key: string, k: string, e: LogEntry): Promise<void> {
    e.uploading = true;
    try {
      try {
        if (e.text === undefined) {
          let existing: Buffer | null = null;
          try {
            existing = await this.getOnce(k);
          } catch (err) {
            if (!isNotFound(err)) throw this.fail('GET', this.url(k), err);
          }
          e.text = existing?.toString('utf8') ?? '';
          this.logBytes += e.text.length;
        }
        const size = e.text.length + e.unsaved.length;
        const interval = size <= LOG_FREE_BYTES ? 0 : Math.min(LOG_MAX_INTERVAL_MS, (size / MiB) * 1000);
        const wait = e.lastPut + interval - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      } finally {
        // Appends from here on go to the next upload; what is unsaved now goes in this one.
        e.next = undefined;
      }
      e.text += e.unsaved;
      this.logBytes += e.unsaved.length;
      e.unsaved = '';
      try {
        await this.put(key, e.text);
      } finally {
        e.lastPut = Date.now();
      }
    } finally {
      e.uploading = false;
      this.evictLogs();
    }
  }

  private forgetLog(k: string): void {
    const e = this.logs.get(k);
    if (!e) return;
    this.logBytes -= e.text?.length ?? 0;
    this.logs.delete(k);
  }

  /** Drops the least recently appended logs beyond the memory budget (they are read back if appended again). */
  private evictLogs(): void {
    const budget = this.opts.logCacheBytes ?? 64 * MiB;
    for (const [k, e] of this.logs) {
      if (this.logBytes <= budget) break;
      if (!e.uploading && !e.next && e.unsaved === '') this.forgetLog(k);
    }
  }
}

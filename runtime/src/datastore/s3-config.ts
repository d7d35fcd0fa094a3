// Where an S3 datastore is and how to reach it, decided without loading the AWS SDK:
// `s3://bucket/prefix` roots, and the endpoint and region from the standard AWS environment
// (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's `endpoint_url`, AWS_REGION...).
// Credentials are left to the SDK's default provider chain (env, profiles, SSO, web identity,
// container and instance metadata); nothing here reads or returns a secret.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing '/'; '' for the bucket's top. */
  prefix: string;
}

export function isS3Root(root: string): boolean {
  return /^s3:\/\//i.test(root);
}

/** Parses `s3://bucket[/prefix]`; UserError for anything else. */
export function parseS3Root(root: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/i.exec(root.trim());
  if (!m) throw new UserError(`'${root}' is not an S3 datastore root: expected s3://bucket/prefix`);
  const bucket = m[1]!;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new UserError(
      `'${root}': '${bucket}' is not a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-')`,
    );
  }
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  for (const seg of prefix === '' ? [] : prefix.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') {
      throw new UserError(`'${root}': the prefix may not contain empty, '.' or '..' segments`);
    }
  }
  return { bucket, prefix };
}

export function formatS3Root(loc: S3Location): string {
  return `s3://${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ''}`;
}

export interface S3Connection {
  /** A custom endpoint (Ceph, MinIO, a proxy...); undefined for AWS itself. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`): on for every custom endpoint. */
  forcePathStyle: boolean;
  /** Undefined: the SDK finds it (AWS_REGION, the profile). */
  region?: string;
}

type Env = Record<string, string | undefined>;

/** Sections of an AWS config file: `[default]`, `[profile x]`, `[services s]`; `s3 =` sub-blocks flattened to `s3.key`. */
function parseIni(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) continue;
    const section = /^\s*\[([^\]]+)\]/.exec(raw);
    if (section) {
      current = {};
      sections.set(section[1]!.trim().replace(/\s+/g, ' '), current);
      parent = undefined;
      continue;
    }
    const kv = /^(\s*)([^=\s]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!kv || !current) continue;
    const indented = kv[1]!.length > 0;
    if (!indented) parent = kv[3] === '' ? kv[2] : undefined;
    current[indented && parent ? `${parent}.${kv[2]}` : kv[2]!] = kv[3]!;
  }
  return sections;
}

function profileSettings(env: Env): {
  profile: Record<string, string>;
  all: Map<string, Record<string, string>>;
} {
  const file = env.AWS_CONFIG_FILE ?? path.join(os.homedir(), '.aws', 'config');
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { profile: {}, all: new Map() };
  }
  const all = parseIni(text);
  const name = env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? 'default';
  return { profile: all.get(name === 'default' ? 'default' : `profile ${name}`) ?? {}, all };
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v.trim());

/**
 * The endpoint and region the SDK should use for S3, per the AWS "service-specific endpoints"
 * convention: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else the profile's `services` s3
 * `endpoint_url`, else its `endpoint_url` (all ignored with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
 * A custom endpoint gets path-style addressing and, when no region is configured, `us-east-1`
 * (single-region servers accept any region in the signature).
 */
export function resolveS3Connection(env: Env = process.env): S3Connection {
  const { profile, all } = profileSettings(env);
  const ignore =
    truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) || truthy(profile.ignore_configured_endpoint_urls);
  let endpoint: string | undefined;
  if (!ignore) {
    const services = profile.services ? all.get(`services ${profile.services}`) : undefined;
    endpoint =
      env.AWS_ENDPOINT_URL_S3 ||
      env.AWS_ENDPOINT_URL ||
      services?.['s3.endpoint_url'] ||
      profile.endpoint_url;
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || profile.region || undefined;
  if (!endpoint) return { forcePathStyle: false, ...(region ? { region } : {}) };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UserError(`the S3 endpoint '${redactUrl(endpoint)}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UserError(`the S3 endpoint '${redactUrl(endpoint)}' must be an http:// or https:// URL`);
  return { endpoint: endpoint.replace(/\/+$/, ''), forcePathStyle: true, region: region ?? 'us-east-1' };
}

/** A URL safe to print: no user info, no query string (signatures live there). */
export function redactUrl(u: string): string {
  try {
    const url = new URL(u);
    url.username = '';
    url.password = '';
    url.search = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return u.replace(/\/\/[^/@]*@/, '//').replace(/\?.*$/, '');
  }
}

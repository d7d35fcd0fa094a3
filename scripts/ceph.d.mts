// Types of scripts/ceph.mjs for the TypeScript tests and benchmarks that use it.

export interface CephConnection {
  dir: string;
  /** Gateway `a`, shared by everything. */
  endpoint: string;
  endpoints: Record<'a' | 'b', string>;
  ports: Record<'a' | 'b', number>;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

export const GATEWAYS: readonly ['a', 'b'];
export function cannotProvision(): string | null;
export function ensureInstalled(log?: (msg: string) => void): void;
export function startCeph(
  dir: string,
  opts?: { log?: (msg: string) => void; memstoreBytes?: number },
): Promise<CephConnection>;
export function stopCeph(dir: string): Promise<void>;
export function startGateway(dir: string, gateway: 'a' | 'b'): Promise<void>;
export function stopGateway(dir: string, gateway: 'a' | 'b', signal?: NodeJS.Signals): Promise<void>;
export function readConnection(dir: string): CephConnection;
export type CephLease =
  | { conn: CephConnection; release(): Promise<void>; skip?: undefined }
  | { skip: string; conn?: undefined; release?: undefined };
export function acquireCeph(opts?: { prefix?: string; log?: (msg: string) => void }): Promise<CephLease>;
export function s3Env(c: CephConnection, gateway?: 'a' | 'b'): Record<string, string>;

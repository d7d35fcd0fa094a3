// The datastore's public surface: the storage contract, the local and S3 backends, and opening stores.

export {
  BLOB_FORMAT_VERSION,
  BLOB_HEADER_SIZE,
  BLOB_MAGIC,
  ContentStore,
  type SavedBlob,
  sha256Hex,
} from './content-store.js';
export { BackendFlowStore } from './flow-store.js';
export { FlowLayout, isValidFlowName, isValidRunId, isValidSegment } from './layout.js';
export { LocalBackend, type LocalBackendOptions } from './local-backend.js';
export { formatLogLines, parseLogLines } from './log-format.js';
export { S3Backend, type S3BackendOptions } from './s3-backend.js';
export { isS3Root, parseS3Root, resolveS3Connection, type S3Location } from './s3-config.js';
export {
  DATASTORE_DIRNAME,
  DATASTORE_ROOT_ENV,
  listFlows,
  openFlowStore,
  type ResolveRootOptions,
  resolveDatastoreRoot,
  toBackend,
} from './root.js';
export {
  describeType,
  deserializeValue,
  findUnserializable,
  RAW_PREFIX,
  type SerializedValue,
  serializeValue,
  type Unserializable,
  V8_ENCODING,
} from './serialize.js';
export type * from './types.js';
export { type GcOptions, type GcResult, collectGarbage, referencedBlobs } from './gc.js';

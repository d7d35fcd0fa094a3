// Setting up remote compute for a run: which steps go to AWS Batch (`@batch` or `--with batch`),
// the checks that must pass first (Batch needs the S3 datastore: results come back only through
// it), and the code package the containers download.

import { BatchCompute } from '../compute/batch.js';
import type { StorageBackend } from '../datastore/types.js';
import { UserError } from '../errors.js';
import { buildCodePackage } from './code-package.js';
import type { StepPolicy } from './policy.js';

/** What an S3 backend offers remote compute (see datastore/s3-backend.ts). */
interface RemoteCapableBackend extends StorageBackend {
  presignGet(key: string, expiresSeconds: number): Promise<string>;
  /** Environment a container needs to reach this datastore (endpoint, region; never credentials). */
  containerEnv(): Record<string, string>;
}

export function batchSteps(policies: Record<string, StepPolicy>): string[] {
  return Object.entries(policies)
    .filter(([, p]) => p.decorators.some((d) => d.name === 'batch'))
    .map(([step]) => step);
}

export async function setUpBatch(opts: {
  policies: Record<string, StepPolicy>;
  backend: StorageBackend;
  flow: string;
  file: string;
}): Promise<BatchCompute | undefined> {
  const steps = batchSteps(opts.policies);
  if (steps.length === 0) return undefined;
  const backend = opts.backend as Partial<RemoteCapableBackend> & StorageBackend;
  if (backend.kind !== 's3' || !backend.presignGet || !backend.containerEnv) {
    throw new UserError(
      `step${steps.length > 1 ? 's' : ''} ${steps.join(', ')} run${steps.length > 1 ? '' : 's'} on AWS Batch, which needs the S3 datastore ` +
        `(--datastore s3 --datastore-root s3://bucket/prefix): a Batch task returns its results only through it`,
    );
  }
  const pkg = await buildCodePackage(opts.file);
  const key = `${opts.flow}/code/${pkg.sha}.json`;
  await backend.put(key, pkg.body, { ifAbsent: true });
  const presign = backend.presignGet.bind(backend);
  return new BatchCompute(
    {
      ...(process.env.TSFLOW_BATCH_QUEUE ? { queue: process.env.TSFLOW_BATCH_QUEUE } : {}),
      ...(process.env.TSFLOW_BATCH_IMAGE ? { image: process.env.TSFLOW_BATCH_IMAGE } : {}),
    },
    { sha: pkg.sha, url: () => presign(key, 6 * 3600) },
    backend.containerEnv(),
    `tsflow-${opts.flow}`,
  );
}

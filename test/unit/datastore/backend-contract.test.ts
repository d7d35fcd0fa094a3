// The StorageBackend contract on the local backend (S3 runs the same contract in the s3 tier).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { LocalBackend } from '../../../runtime/src/datastore/local-backend.js';
import { backendContract } from './backend-contract.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-contract-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

backendContract('local', {
  make: (name) => new LocalBackend(path.join(tmp, name)),
  largeBytes: 12 * 1024 * 1024,
});

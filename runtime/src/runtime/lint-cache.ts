// Lint results cached by file content: analysing a file loads the TypeScript compiler (about half
// a second of CPU), while a run of an unchanged file needs only the previous answer. The analysis
// depends on nothing but the file's path and text and the runtime's version, which form the key.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileAnalysis } from '../graph/types.js';
import { VERSION } from '../version.js';
import { cacheDir, writeAtomic } from './cache-dir.js';
import { TYPESCRIPT_FILES, useCodeCache } from './code-cache.js';

export async function analyzeCached(file: string): Promise<FileAnalysis> {
  const text = fs.readFileSync(file, 'utf8');
  const key = crypto.createHash('sha256').update(`${VERSION}\0${file}\0${text}`).digest('hex');
  const entry = path.join(cacheDir('lint'), `${key.slice(0, 40)}.json`);
  try {
    return JSON.parse(fs.readFileSync(entry, 'utf8')) as FileAnalysis;
  } catch {
    // Missing or unreadable: analyse below.
  }
  // The compiler loads from V8's code cache when an earlier lint left one.
  useCodeCache(TYPESCRIPT_FILES);
  const { analyzeSource } = await import('../graph/index.js');
  const analysis = analyzeSource(file, text);
  if (!analysis.problems.some((p) => p.rule === 'internal-error'))
    writeAtomic(entry, JSON.stringify(analysis));
  return analysis;
}

// V8 code caches: task processes run the task runner from one (runtime/src/runtime/task-main.ts),
// and a lint loads the TypeScript compiler from one (code-cache.ts). The first process writes a
// cache, later ones use it as it is, and a damaged cache costs a compile, never a run.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { flowFile, show, tempDir, tsflow } from './helpers.ts';

function cacheFiles(cache: string, prefix = 'task-runner-'): string[] {
  const dir = path.join(cache, 'v8');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.startsWith(prefix) && !f.endsWith('.tmp'))
        .sort()
    : [];
}

const mtimes = (cache: string, files: string[]) =>
  files.map((f) => fs.statSync(path.join(cache, 'v8', f)).mtimeMs);

async function runLinear(cache: string) {
  const r = await tsflow(['run', flowFile('linear.ts')], {
    root: tempDir(),
    env: { TSFLOW_CACHE_DIR: cache },
  });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /count=2 trail=start>middle>end/);
}

test('the first run writes the task runner code cache; later runs use it unchanged', async () => {
  const cache = tempDir('tsflow-cache-');
  await runLinear(cache);
  const files = cacheFiles(cache);
  assert.equal(files.length, 1, `cache files: ${files.join(', ')}`);
  assert.match(files[0]!, /^task-runner-[0-9a-f]{16}\.bin$/);
  const file = path.join(cache, 'v8', files[0]!);
  const before = fs.readFileSync(file);
  assert.ok(before.byteLength > 10_000, `${before.byteLength} bytes`);
  const { mtimeMs } = fs.statSync(file);

  // V8 rejects a cache it cannot use, and a rejected cache is rewritten: an untouched file means
  // every task of the second run was compiled from it.
  await runLinear(cache);
  assert.deepEqual(cacheFiles(cache), files);
  assert.equal(fs.statSync(file).mtimeMs, mtimeMs);
  assert.ok(fs.readFileSync(file).equals(before));
});

test('a damaged cache is rejected, the run succeeds, and the cache is written again', async () => {
  const cache = tempDir('tsflow-cache-');
  await runLinear(cache);
  const file = path.join(cache, 'v8', cacheFiles(cache)[0]!);
  const size = fs.statSync(file).size;
  fs.writeFileSync(file, Buffer.alloc(size, 0x5a));
  await runLinear(cache);
  const after = fs.readFileSync(file);
  assert.ok(!after.equals(Buffer.alloc(size, 0x5a)), 'the damaged cache was not replaced');
  assert.ok(after.byteLength > 10_000);
});

test('a lint of a new file loads the TypeScript compiler from the cache the first lint wrote', async () => {
  const cache = tempDir('tsflow-cache-');
  const check = async (file: string, flow: string) => {
    const r = await tsflow(['check', flowFile(file)], { env: { TSFLOW_CACHE_DIR: cache } });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, new RegExp(`${flow}: \\d+ steps, no problems`));
  };
  await check('linear.ts', 'LinearFlow');
  const all = cacheFiles(cache, '');
  // typescript.js, the compiler
  const compiler = all.filter((f) => /^typescript-[0-9a-f]{16}\.bin$/.test(f));
  assert.equal(compiler.length, 1, `cache files: ${all.join(', ')}`);
  const before = mtimes(cache, compiler);
  // Another file misses the lint cache, so the compiler loads again: from the code cache, which
  // stays as it is (a rejected one would be rewritten).
  await check('wide.ts', 'WideFlow');
  assert.deepEqual(cacheFiles(cache, ''), all);
  assert.deepEqual(mtimes(cache, compiler), before);
});

// `npm run bench`: every benchmark in bench/, each printing its figures. Builds first.
//   npm run bench -- runtime      only bench/runtime.ts (extra arguments go to it)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
process.chdir(root);
const [only, ...rest] = process.argv.slice(2);
const all = fs
  .readdirSync('bench')
  .filter((f) => f.endsWith('.ts'))
  .sort();
const chosen = only ? all.filter((f) => f === `${only}.ts`) : all;
if (chosen.length === 0) {
  console.error(`no benchmark '${only}' (have: ${all.map((f) => f.replace(/\.ts$/, '')).join(', ')})`);
  process.exit(2);
}
spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
for (const f of chosen) {
  console.log(`\n=== bench/${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', f), ...rest], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Child process for the spill-folder test: makes its spill folder (in $TMPDIR), writes into it as a
// task spilling a join input would, prints the folder, and exits when its stdin closes.
//   TMPDIR=<dir> node --import tsx spill-folder-owner.ts
import fs from 'node:fs';
import path from 'node:path';
import { makeSpillFolder } from '../../../../runtime/src/runtime/spill-folder.js';

const dir = makeSpillFolder();
fs.writeFileSync(path.join(dir, 'blob'), Buffer.alloc(1 << 20));
process.stdout.write(`${dir}\n`);
process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));

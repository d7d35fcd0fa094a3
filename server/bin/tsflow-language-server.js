#!/usr/bin/env node
// The bin is a committed stub so npm can link it before `npm run build` has produced dist/.
// The code cache hook goes in first: the server's modules load the TypeScript compiler as they load.
import { TYPESCRIPT_FILES, useCodeCache } from '../dist/code-cache.js';

useCodeCache(TYPESCRIPT_FILES);
const { main } = await import('../dist/main.js');
main(process.argv.slice(2));

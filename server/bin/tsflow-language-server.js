#!/usr/bin/env node
// The bin is a committed stub so npm can link it before `npm run build` has produced dist/.
import { main } from '../dist/main.js';

main(process.argv.slice(2));

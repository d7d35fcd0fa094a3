// The language server as the extension starts it (out/server.mjs): the server package's main.
import { main } from '../../server/src/main.js';

main(process.argv.slice(2));

// The standalone server's TypeScript compiler from a V8 code cache (the runtime's, shared with
// `tsflow` lints): installed by the bin before the server's modules, and so the compiler, load.
export { TYPESCRIPT_FILES, useCodeCache } from '../../runtime/src/runtime/code-cache.js';

// esbuild options that more than one build of the repo needs (scripts/build.mjs, build-extension.mjs).

/**
 * CommonJS output of ES module source that reads `import.meta.url` (to `createRequire`, or to
 * know its own path): esbuild leaves `import.meta` empty in CommonJS, so it is defined from
 * `__filename`, when read (most processes never read it, and a URL costs a task process more
 * than it should).
 */
export const CJS_IMPORT_META_URL = {
  define: { 'import.meta.url': '__tsflowModule.url' },
  banner: {
    js: 'const __tsflowModule = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
  },
};

/** ES module output of bundled code that calls `require()` (CommonJS packages, Node built-ins). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tsflowRequire } from 'node:module'; const require = __tsflowRequire(import.meta.url);";

// A TypeScript server plugin (contributes.typescriptServerPlugins): when `tsflow` or
// `tsflow/client` does not resolve in a workspace (no node_modules: the extension runs flows with
// its own runtime), it resolves to the declarations shipped with the extension, so flow files
// type-check. A workspace that installs tsflow keeps its own.

import path from 'node:path';
import type ts from 'typescript/lib/tsserverlibrary';

const ENTRIES: Record<string, string> = {
  tsflow: 'index.d.ts',
  'tsflow/client': path.join('client', 'index.d.ts'),
};

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const tsModule = modules.typescript;
  const typesDir = path.join(__dirname, 'types');
  const fallback = (name: string): ts.ResolvedModuleFull | undefined => {
    const file = ENTRIES[name];
    return file
      ? {
          resolvedFileName: path.join(typesDir, file),
          extension: tsModule.Extension.Dts,
          isExternalLibraryImport: true,
        }
      : undefined;
  };
  return {
    create(info) {
      const host = info.languageServiceHost as ts.LanguageServiceHost & {
        resolveModuleNameLiterals?: (
          ...args: never[]
        ) => readonly ts.ResolvedModuleWithFailedLookupLocations[];
        resolveModuleNames?: (...args: never[]) => (ts.ResolvedModule | undefined)[];
      };
      const literals = host.resolveModuleNameLiterals?.bind(host);
      if (literals) {
        host.resolveModuleNameLiterals = ((names: readonly ts.StringLiteralLike[], ...rest: never[]) =>
          literals(names as never, ...rest).map((r, i) =>
            r.resolvedModule ? r : { ...r, resolvedModule: fallback(names[i]!.text) ?? r.resolvedModule },
          )) as never;
      }
      const plain = host.resolveModuleNames?.bind(host);
      if (plain) {
        host.resolveModuleNames = ((names: string[], ...rest: never[]) =>
          plain(names as never, ...rest).map((r, i) => r ?? fallback(names[i]!))) as never;
      }
      info.project.projectService.logger.info(`tsflow: 'tsflow' imports fall back to ${typesDir}`);
      return info.languageService;
    },
  };
}

// tsserver requires a function: the bundle ends with `module.exports = module.exports.default`.
export default init;

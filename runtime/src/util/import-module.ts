// `import()` that also works in code run through `vm.Script` from a code cache (the task runner,
// see runtime/task-main.ts): there Node 20 has no dynamic import callback, so the real module
// file that loaded the code provides one under this symbol.

export const IMPORT_MODULE = Symbol.for('tsflow.importModule');

export function importModule<T = Record<string, unknown>>(specifier: string): Promise<T> {
  const provided = (globalThis as Record<symbol, unknown>)[IMPORT_MODULE] as
    | ((specifier: string) => Promise<T>)
    | undefined;
  return provided ? provided(specifier) : (import(specifier) as Promise<T>);
}

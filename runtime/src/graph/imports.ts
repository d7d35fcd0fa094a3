// Which local names stand for tsflow's exports. A flow may write `import { step as s } from
// 'tsflow'` or `import * as tf from 'tsflow'`; the graph must still see `@s` as `@step` and
// `tf.FlowSpec` as FlowSpec. Names that are not imported at all are taken at face value (a file
// being typed may not have its imports yet). A named import of one of tsflow's export names counts
// whatever the module, because examples and tests import the runtime by relative path.

import ts from 'typescript';

export interface TsflowNames {
  /** Local name → exported name, for named imports from tsflow (`s` → `step`). */
  aliases: Map<string, string>;
  /** Local names of namespace imports of tsflow (`tf` in `import * as tf from 'tsflow'`). */
  namespaces: Set<string>;
  /** Local names bound to something that is not tsflow (other imports, local declarations). */
  foreign: Set<string>;
}

/** The exports a flow file uses that the graph cares about. */
const TSFLOW_EXPORTS: ReadonlySet<string> = new Set([
  'FlowSpec',
  'Parameter',
  'step',
  'retry',
  'catchErrors',
  'timeout',
  'resources',
  'environment',
  'batch',
]);

function isTsflowModule(specifier: string): boolean {
  return specifier === 'tsflow' || specifier.startsWith('tsflow/');
}

/** Collects the import bindings and top-level declarations of a file. */
export function tsflowNames(sf: ts.SourceFile): TsflowNames {
  const names: TsflowNames = { aliases: new Map(), namespaces: new Set(), foreign: new Set() };
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt)) {
      const spec = ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : '';
      const fromTsflow = isTsflowModule(spec);
      const clause = stmt.importClause;
      if (!clause) continue;
      if (clause.name) names.foreign.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        if (fromTsflow) names.namespaces.add(bindings.name.text);
        else names.foreign.add(bindings.name.text);
      } else if (bindings) {
        for (const el of bindings.elements) {
          const imported = (el.propertyName ?? el.name).text;
          if (fromTsflow || TSFLOW_EXPORTS.has(imported)) names.aliases.set(el.name.text, imported);
          else names.foreign.add(el.name.text);
        }
      }
    } else if (ts.isFunctionDeclaration(stmt) && stmt.name) {
      names.foreign.add(stmt.name.text);
    } else if (ts.isVariableStatement(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        if (ts.isIdentifier(decl.name)) names.foreign.add(decl.name.text);
      }
    }
  }
  return names;
}

/**
 * The tsflow export an expression refers to (`FlowSpec`, `step`, `Parameter`...), resolving
 * aliases and namespace access; `undefined` when it is something else. `foreign` is true when
 * the name is bound to a non-tsflow import or a local declaration.
 */
export function resolveName(
  expr: ts.Expression,
  names: TsflowNames,
): { name: string; foreign: boolean } | undefined {
  if (ts.isIdentifier(expr)) {
    const alias = names.aliases.get(expr.text);
    if (alias) return { name: alias, foreign: false };
    return { name: expr.text, foreign: names.foreign.has(expr.text) };
  }
  if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.name)) {
    const base = expr.expression;
    const viaTsflow = ts.isIdentifier(base) && names.namespaces.has(base.text);
    return {
      name: expr.name.text,
      foreign: !viaTsflow && ts.isIdentifier(base) && names.foreign.has(base.text),
    };
  }
  return undefined;
}

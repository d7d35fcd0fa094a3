// Where a flow class names its members (`this.x`, `inputs.x`, field declarations, the artifact
// in `{ foreach: 'x' }`), for the editor: go to definition, find references, rename. One walk of
// the class over raw TypeScript nodes, like body.ts, and only when asked: the CLI and the
// scheduler never pay for it.

import ts from 'typescript';
import { isWriteTarget } from './body.js';
import { propertyKey } from './literal.js';
import { memberName } from './parameters.js';
import { nodeRange, spanRange } from './source.js';
import { isThisNextCall } from './tail.js';
import type { MemberReference } from './types.js';

const SK = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

/** The range of a string literal's text, inside its quotes. */
function innerRange(sf: ts.SourceFile, lit: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral) {
  const start = lit.getStart(sf) + 1;
  return spanRange(sf, start, Math.max(start, lit.getEnd() - 1));
}

function isStringLike(node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return node.kind === SK.StringLiteral || node.kind === SK.NoSubstitutionTemplateLiteral;
}

/**
 * Collects the member references of a flow class. `steps` maps each `@step` method (duplicates
 * included) to its step name, so references are attributed to the step they are written in.
 */
export function collectReferences(
  sf: ts.SourceFile,
  cls: ts.ClassDeclaration,
  steps: ReadonlyMap<ts.Node, string>,
): MemberReference[] {
  const out: MemberReference[] = [];
  let step: string | undefined;
  let inputsName: string | undefined;

  const add = (ref: MemberReference) => {
    if (step !== undefined) ref.step = step;
    out.push(ref);
  };

  /** `{ foreach: 'x' }` / `{ condition: 'x' }` arguments of a `this.next(...)` call. */
  const options = (call: ts.CallExpression) => {
    for (const arg of call.arguments) {
      if (arg.kind !== SK.ObjectLiteralExpression) continue;
      for (const prop of (arg as ts.ObjectLiteralExpression).properties) {
        if (prop.kind !== SK.PropertyAssignment) continue;
        const p = prop as ts.PropertyAssignment;
        const key = p.name.kind === SK.ComputedPropertyName ? null : propertyKey(p.name);
        if ((key === 'foreach' || key === 'condition') && isStringLike(p.initializer)) {
          add({
            name: p.initializer.text,
            kind: 'option',
            range: innerRange(sf, p.initializer),
            write: false,
            call: false,
          });
        }
      }
    }
  };

  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      // Their own `this`: not the flow's members.
      case SK.FunctionDeclaration:
      case SK.FunctionExpression:
      case SK.ClassDeclaration:
      case SK.ClassExpression:
        return;
      case SK.CallExpression:
        if (isThisNextCall(node)) {
          forEachChild(node, visit);
          options(node);
          return;
        }
        break;
      case SK.PropertyAccessExpression: {
        const pa = node as ts.PropertyAccessExpression;
        if (pa.name.kind !== SK.Identifier) break;
        const isThis = pa.expression.kind === SK.ThisKeyword;
        const isInputs =
          !isThis &&
          inputsName !== undefined &&
          pa.expression.kind === SK.Identifier &&
          (pa.expression as ts.Identifier).text === inputsName;
        if (!isThis && !isInputs) break;
        const parent = node.parent;
        add({
          name: pa.name.text,
          kind: isThis ? 'this' : 'inputs',
          range: nodeRange(sf, pa.name),
          write: isThis && isWriteTarget(node),
          call:
            parent !== undefined &&
            parent.kind === SK.CallExpression &&
            (parent as ts.CallExpression).expression === node,
        });
        if (isThis) return;
        break;
      }
      case SK.ElementAccessExpression: {
        const ea = node as ts.ElementAccessExpression;
        if (ea.expression.kind !== SK.ThisKeyword || !isStringLike(ea.argumentExpression)) break;
        const parent = node.parent;
        add({
          name: ea.argumentExpression.text,
          kind: 'this',
          range: innerRange(sf, ea.argumentExpression),
          write: isWriteTarget(node),
          call:
            parent !== undefined &&
            parent.kind === SK.CallExpression &&
            (parent as ts.CallExpression).expression === node,
        });
        return;
      }
    }
    forEachChild(node, visit);
  };

  for (const m of cls.members) {
    step = steps.get(m);
    inputsName = undefined;
    if (ts.isPropertyDeclaration(m)) {
      const isStatic = m.modifiers?.some((mod) => mod.kind === SK.StaticKeyword) ?? false;
      if (!isStatic && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) {
        const start = ts.isStringLiteral(m.name) ? innerRange(sf, m.name) : nodeRange(sf, m.name);
        add({
          name: memberName(sf, m.name),
          kind: 'field',
          range: start,
          write: m.initializer !== undefined,
          call: false,
        });
      }
      if (m.initializer && !isStatic) visit(m.initializer);
      continue;
    }
    if (
      ts.isMethodDeclaration(m) ||
      ts.isConstructorDeclaration(m) ||
      ts.isGetAccessor(m) ||
      ts.isSetAccessor(m)
    ) {
      if (
        step === undefined &&
        ts.isMethodDeclaration(m) &&
        (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))
      ) {
        const range = ts.isStringLiteral(m.name) ? innerRange(sf, m.name) : nodeRange(sf, m.name);
        add({ name: m.name.text, kind: 'method', range, write: false, call: false });
      }
      if (step !== undefined && ts.isMethodDeclaration(m)) {
        const first = m.parameters.find((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
        if (first && ts.isIdentifier(first.name)) inputsName = first.name.text;
      }
      if (m.body) forEachChild(m.body, visit);
    }
  }
  return out;
}

// One walk over a step's body: which artifacts it assigns and reads, and every `this.next(...)`
// call (the tail one and misplaced ones). Raw TypeScript nodes rather than ts-morph wrappers:
// wrapping every node of a 1,000-line file costs ~10x the parse, and this runs per keystroke.

import ts from 'typescript';
import { isThisNextCall } from './tail.js';

// `ts.*` members are getters on TypeScript's bundled namespace: read once, not once per node.
const SK = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

export interface BodyScan {
  /** Every `this.next(...)` call, in source order. */
  nextCalls: ts.CallExpression[];
  assigns: string[];
  reads: string[];
  /** In a join, `inputs.<name>` accesses (the name identifiers), to check they name incoming steps. */
  inputAccesses: ts.Identifier[];
}

/** `this.x` or `this['x']` → `'x'`; anything else → null. */
function accessedMember(node: ts.Node): string | null {
  if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
    return ts.isIdentifier(node.name) ? node.name.text : null;
  }
  if (
    ts.isElementAccessExpression(node) &&
    node.expression.kind === ts.SyntaxKind.ThisKeyword &&
    (ts.isStringLiteral(node.argumentExpression) ||
      ts.isNoSubstitutionTemplateLiteral(node.argumentExpression))
  ) {
    return node.argumentExpression.text;
  }
  return null;
}

function isIdentifierNamed(node: ts.Node, name: string): boolean {
  return node.kind === SK.Identifier && (node as ts.Identifier).text === name;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/**
 * True when `node` is written to: `this.x = v`, `this.x += v`, `this.x++`, a destructuring target
 * (`[this.a, this.b] = pair`, `({ k: this.x } = o)`) or a `for (this.x of ...)` variable.
 */
export function isWriteTarget(node: ts.Node): boolean {
  let cur = node;
  for (;;) {
    const p = cur.parent;
    if (!p) return false;
    if (ts.isBinaryExpression(p)) return p.left === cur && isAssignmentOperator(p.operatorToken.kind);
    if (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) {
      return p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken;
    }
    if ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer === cur) return true;
    const climbs =
      ts.isParenthesizedExpression(p) ||
      ts.isArrayLiteralExpression(p) ||
      ts.isObjectLiteralExpression(p) ||
      ts.isSpreadElement(p) ||
      ts.isSpreadAssignment(p) ||
      (ts.isPropertyAssignment(p) && p.initializer === cur);
    // A literal in any other position (an argument, a right-hand side) is a value, not a target.
    if (!climbs) return false;
    cur = p;
  }
}

/**
 * Scans a step body. `ignore` filters names that are not artifacts (steps, methods, runtime
 * members); `inputsName` is a join's parameter name, whose `.x` accesses are collected.
 */
export function scanBody(
  body: ts.Block | undefined,
  ignore: (name: string) => boolean,
  inputsName?: string,
): BodyScan {
  const nextCalls: ts.CallExpression[] = [];
  const inputAccesses: ts.Identifier[] = [];
  const assigns = new Set<string>();
  const reads = new Set<string>();
  // Dispatch on the kind first: this visits every node of every step on each keystroke.
  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      // Nodes with their own `this`: what happens inside is not the step's doing.
      case SK.FunctionDeclaration:
      case SK.FunctionExpression:
      case SK.ClassDeclaration:
      case SK.ClassExpression:
      case SK.MethodDeclaration:
      case SK.GetAccessor:
      case SK.SetAccessor:
      case SK.Constructor:
        return;
      case SK.CallExpression:
        if (isThisNextCall(node)) {
          // Its arguments are step references, not artifact reads.
          nextCalls.push(node);
          return;
        }
        break;
      case SK.PropertyAccessExpression:
      case SK.ElementAccessExpression: {
        const member = accessedMember(node);
        if (member !== null) {
          const parent = node.parent;
          const isCall = parent && ts.isCallExpression(parent) && parent.expression === node;
          if (!isCall && !ignore(member)) (isWriteTarget(node) ? assigns : reads).add(member);
          return;
        }
        if (
          inputsName !== undefined &&
          node.kind === SK.PropertyAccessExpression &&
          isIdentifierNamed((node as ts.PropertyAccessExpression).expression, inputsName)
        ) {
          const name = (node as ts.PropertyAccessExpression).name;
          if (name.kind === SK.Identifier) inputAccesses.push(name as ts.Identifier);
        }
        break;
      }
    }
    forEachChild(node, visit);
  };
  if (body) forEachChild(body, visit);
  return { nextCalls, assigns: [...assigns], reads: [...reads], inputAccesses };
}

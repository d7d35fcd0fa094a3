// Reading literal values out of the syntax tree (decorator options, Parameter defaults, transition
// options). Only what is certain without running code counts: anything else is "not literal" and
// the callers skip the checks that would need it rather than guess.

import ts from 'typescript';

/** Result of evaluating an expression statically: `ok: false` when it is not a plain literal. */
export type Literal = { ok: true; value: unknown } | { ok: false };

const NOT_LITERAL: Literal = { ok: false };

/** The JSON value of a literal expression: strings, numbers, booleans, null, and arrays/objects of those. */
export function literalValue(node: ts.Expression): Literal {
  if (ts.isParenthesizedExpression(node)) return literalValue(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return { ok: true, value: node.text };
  if (ts.isNumericLiteral(node)) return { ok: true, value: Number(node.text) };
  if (
    ts.isPrefixUnaryExpression(node) &&
    (node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.PlusToken)
  ) {
    const inner = literalValue(node.operand);
    if (!inner.ok || typeof inner.value !== 'number') return NOT_LITERAL;
    return { ok: true, value: node.operator === ts.SyntaxKind.MinusToken ? -inner.value : inner.value };
  }
  switch (node.kind) {
    case ts.SyntaxKind.TrueKeyword:
      return { ok: true, value: true };
    case ts.SyntaxKind.FalseKeyword:
      return { ok: true, value: false };
    case ts.SyntaxKind.NullKeyword:
      return { ok: true, value: null };
  }
  if (ts.isArrayLiteralExpression(node)) {
    const out: unknown[] = [];
    for (const el of node.elements) {
      const v = literalValue(el);
      if (!v.ok) return NOT_LITERAL;
      out.push(v.value);
    }
    return { ok: true, value: out };
  }
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const prop of node.properties) {
      if (!ts.isPropertyAssignment(prop)) return NOT_LITERAL;
      const key = propertyKey(prop.name);
      const v = literalValue(prop.initializer);
      if (key === null || !v.ok) return NOT_LITERAL;
      out[key] = v.value;
    }
    return { ok: true, value: out };
  }
  return NOT_LITERAL;
}

/** The key of an object-literal property when it is written literally (`a`, `'a'`, `1`), else null. */
export function propertyKey(name: ts.PropertyName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) {
    return name.text;
  }
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  return null;
}

/** The text of a string literal (`'x'` or `` `x` ``), else null. */
export function stringLiteral(node: ts.Expression | undefined): string | null {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return null;
}

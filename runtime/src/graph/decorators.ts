// Reading a step's decorators (`@retry({ times: 3 })`) into plain data.

import ts from 'typescript';
import { resolveName, type TsflowNames } from './imports.js';
import { literalValue, propertyKey } from './literal.js';
import { nodeRange } from './source.js';
import type { DecoratorInfo, Range } from './types.js';

export interface ReadDecorator {
  info: DecoratorInfo;
  /** Bound to something that is not tsflow (the user's own decorator). */
  foreign: boolean;
  /** `@retry(...)` rather than `@retry`. */
  called: boolean;
}

/** Reads one decorator; its name is resolved through tsflow import aliases (`@s` → `step`). */
export function readDecorator(sf: ts.SourceFile, decorator: ts.Decorator, names: TsflowNames): ReadDecorator {
  const expr = decorator.expression;
  const called = ts.isCallExpression(expr);
  const callee = called ? expr.expression : expr;
  const resolved = resolveName(callee, names);
  const info: DecoratorInfo = {
    name: resolved?.name ?? callee.getText(sf),
    argsText: called ? sf.text.slice(expr.arguments.pos, expr.arguments.end).trim() : null,
    args: null,
    range: nodeRange(sf, decorator),
  };
  if (called) {
    const args = expr.arguments;
    if (args.length === 0) {
      info.args = {};
    } else if (args.length === 1 && ts.isObjectLiteralExpression(args[0]!)) {
      const values: Record<string, unknown> = {};
      const ranges: Record<string, Range> = {};
      for (const prop of args[0].properties) {
        const key = prop.name && !ts.isComputedPropertyName(prop.name) ? propertyKey(prop.name) : null;
        if (key === null) continue;
        if (ts.isPropertyAssignment(prop)) {
          ranges[key] = nodeRange(sf, prop.initializer);
          const v = literalValue(prop.initializer);
          if (v.ok) values[key] = v.value;
        } else {
          ranges[key] = nodeRange(sf, prop);
        }
      }
      info.args = values;
      info.argRanges = ranges;
    }
  }
  return { info, foreign: resolved?.foreign ?? false, called };
}

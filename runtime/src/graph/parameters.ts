// Reading `alpha = Parameter('alpha', { default: 0.5, help: '...' })` fields into ParameterInfo.
// Mirrors how the runtime types a parameter (explicit `type`, else from the default, else string)
// so `tsflow show` and the language server describe the same options the CLI accepts.

import ts from 'typescript';
import { resolveName, type TsflowNames } from './imports.js';
import { literalValue, propertyKey, stringLiteral } from './literal.js';
import { nodeRange } from './source.js';
import type { ParameterInfo } from './types.js';

const TYPES = new Set(['string', 'number', 'boolean', 'json']);

function typeOfDefault(value: unknown): ParameterInfo['type'] {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return value === null ? null : 'json';
}

/** The name of a class member as written (`foo`, `'foo'`, `#foo`, `[expr]`). */
export function memberName(sf: ts.SourceFile, name: ts.PropertyName): string {
  if (ts.isComputedPropertyName(name)) return name.getText(sf);
  if (ts.isPrivateIdentifier(name)) return name.text;
  return propertyKey(name) ?? name.getText(sf);
}

/** The ParameterInfo of a field initialised with `Parameter(...)`, else null. */
export function readParameter(
  sf: ts.SourceFile,
  prop: ts.PropertyDeclaration,
  names: TsflowNames,
): ParameterInfo | null {
  const init = prop.initializer;
  if (!init || !ts.isCallExpression(init) || resolveName(init.expression, names)?.name !== 'Parameter')
    return null;
  const field = memberName(sf, prop.name);
  const [nameArg, optsArg] = init.arguments;
  const name = stringLiteral(nameArg);
  const info: ParameterInfo = {
    field,
    name: name ?? field,
    type: null,
    required: false,
    range: nodeRange(sf, prop),
  };
  if (name !== null && nameArg) info.nameRange = nodeRange(sf, nameArg);
  let explicitType: ParameterInfo['type'] | undefined;
  let hasDefault = false;
  let required = false;
  if (optsArg && ts.isObjectLiteralExpression(optsArg)) {
    for (const p of optsArg.properties) {
      if (!ts.isPropertyAssignment(p)) continue;
      const key = ts.isComputedPropertyName(p.name) ? null : propertyKey(p.name);
      const value = literalValue(p.initializer);
      if (key === 'default') {
        hasDefault = true;
        info.defaultText = p.initializer.getText(sf);
        if (value.ok) info.defaultValue = value.value;
      } else if (key === 'help' && value.ok && typeof value.value === 'string') {
        info.help = value.value;
      } else if (key === 'type' && value.ok && typeof value.value === 'string' && TYPES.has(value.value)) {
        explicitType = value.value as ParameterInfo['type'];
      } else if (key === 'required') {
        required = value.ok && value.value === true;
      }
    }
  }
  // As at run time: typed by `type`, else by the default, else a string; a default makes it optional.
  if (explicitType !== undefined) info.type = explicitType;
  else if (!hasDefault) info.type = 'string';
  else if ('defaultValue' in info) info.type = typeOfDefault(info.defaultValue);
  info.required = required && !hasDefault;
  return info;
}

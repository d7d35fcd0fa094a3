// Flow parameters in the `▶ Run flow` quick input: the value a box starts with, validation as
// the runtime will parse the value, and the command-line arguments. Pure (no `vscode`).

import type { ParameterInfo } from '../../runtime/src/graph/types.js';

/** The text a parameter's box starts with: its literal default as the user would type it. */
export function initialValue(p: ParameterInfo): string {
  if (p.defaultValue === undefined) return '';
  if (typeof p.defaultValue === 'string') return p.defaultValue;
  return JSON.stringify(p.defaultValue);
}

/** Why `text` is not a valid value of `p`, or undefined when it is. */
export function validateParam(p: ParameterInfo, text: string): string | undefined {
  const t = text.trim();
  if (t === '') {
    return p.required ? `--${p.name} is required` : undefined;
  }
  switch (p.type) {
    case 'number':
      return Number.isFinite(Number(t)) ? undefined : `--${p.name} takes a number, not '${text}'`;
    case 'boolean':
      return /^(true|false)$/i.test(t) ? undefined : `--${p.name} takes true or false`;
    case 'json':
      try {
        JSON.parse(t);
        return undefined;
      } catch (e) {
        return `--${p.name} takes JSON: ${(e as Error).message}`;
      }
    default:
      return undefined;
  }
}

/**
 * `--name=value` arguments for the values that differ from the defaults (an empty box means "the
 * default"). The values go to the runtime as separate argv entries: no shell ever parses them.
 */
export function paramArgs(params: readonly ParameterInfo[], values: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const p of params) {
    const v = values.get(p.name);
    if (v === undefined || v.trim() === '') continue;
    if (!p.required && v === initialValue(p)) continue;
    // `--name=value`: a value that starts with `--` stays a value.
    out.push(`--${p.name}=${p.type === 'string' || p.type === null ? v : v.trim()}`);
  }
  return out;
}

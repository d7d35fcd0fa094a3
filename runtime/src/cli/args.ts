// A small argument parser: known options per command, plus (for `run`) unknown `--name value`
// pairs collected as flow parameters, which are only known once the flow is loaded.

import { UserError } from '../errors.js';

export type OptionKind = 'string' | 'number' | 'boolean' | 'list';

export interface OptionSpec {
  name: string;
  kind: OptionKind;
  help: string;
  /** Shown as the value placeholder in help. */
  value?: string;
  default?: string | number | boolean;
  /** Smallest allowed value of a `number` option (default 1). */
  min?: number;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | number | boolean | string[] | undefined>;
  /** Unknown `--name [value]` options, in order (flow parameters). A bare flag has value undefined. */
  extra: [string, string | undefined][];
}

export function parseArgs(
  command: string,
  argv: string[],
  specs: OptionSpec[],
  opts: { allowExtra?: boolean } = {},
): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: ParsedArgs = { positionals: [], options: {}, extra: [] };
  for (const s of specs) if (s.default !== undefined) out.options[s.name] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && arg !== '-h') {
        throw new UserError(
          `${command}: unknown option '${arg}' (options start with --; see tsflow ${command} --help)`,
        );
      }
      if (arg === '-h') out.options.help = true;
      else out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const spec = byName.get(name);
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UserError(`${command}: option --${name} needs a value`);
      }
      i++;
      return next;
    };
    if (!spec) {
      if (!opts.allowExtra) {
        throw new UserError(`${command}: unknown option --${name} (see tsflow ${command} --help)`);
      }
      if (inline !== undefined) out.extra.push([name, inline]);
      else {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('--') && next.length > 2))
          out.extra.push([name, undefined]);
        else {
          out.extra.push([name, next]);
          i++;
        }
      }
      continue;
    }
    switch (spec.kind) {
      case 'boolean':
        out.options[name] =
          inline === undefined ? true : !['false', '0', 'no'].includes(inline.toLowerCase());
        break;
      case 'string':
        out.options[name] = takeValue();
        break;
      case 'number': {
        const raw = takeValue();
        const n = Number(raw);
        const min = spec.min ?? 1;
        if (raw.trim() === '' || !Number.isInteger(n) || n < min) {
          throw new UserError(
            `${command}: --${name} must be a whole number of at least ${min}, got '${raw}'`,
          );
        }
        out.options[name] = n;
        break;
      }
      case 'list': {
        const prev = out.options[name];
        out.options[name] = [...(Array.isArray(prev) ? prev : []), takeValue()];
        break;
      }
    }
  }
  return out;
}

export function formatOptions(specs: OptionSpec[]): string {
  const rows = specs.map((s) => {
    const left = `--${s.name}${s.kind === 'boolean' ? '' : ` ${s.value ?? s.kind.toUpperCase()}`}`;
    const def = s.default !== undefined && s.kind !== 'boolean' ? ` (default: ${s.default})` : '';
    return [left, `${s.help}${def}`] as const;
  });
  const width = Math.max(0, ...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`).join('\n');
}

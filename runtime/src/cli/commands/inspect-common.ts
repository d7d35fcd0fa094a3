import { UserError } from '../../errors.js';
import type { ClientOptions } from '../../client/index.js';
import type { ParsedArgs } from '../args.js';
import { datastoreRoot } from '../common.js';

export function clientOptions(args: ParsedArgs): ClientOptions {
  return { datastoreRoot: datastoreRoot(args) };
}

export function onePathspec(command: string, args: ParsedArgs, usage: string): string {
  const p = args.positionals[0];
  if (!p) throw new UserError(`${command}: which pathspec? usage: ${usage}`);
  if (args.positionals.length > 1)
    throw new UserError(`${command}: unexpected argument '${args.positionals[1]}'`);
  return p;
}

export function duration(fromMs: number, toMs: number | undefined): string {
  if (toMs === undefined) return '-';
  const s = (toMs - fromMs) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${Math.round(s % 60)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}

export function localTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

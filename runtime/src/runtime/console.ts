// The run's console output, Metaflow-clean: one line per event,
// `<timestamp> [<run>/<step>/<task> (pid N)] message`, task output prefixed the same way.

import type { LogStream } from '../datastore/types.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function timestamp(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export interface ConsoleSink {
  out(line: string): void;
  err(line: string): void;
  color: boolean;
}

export function processSink(): ConsoleSink {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    color,
  };
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export class RunConsole {
  constructor(private readonly sink: ConsoleSink = processSink()) {}

  /** A scheduler event (not tied to one task). */
  event(text: string, level: 'info' | 'error' | 'success' = 'info'): void {
    const c = this.sink.color;
    const msg = level === 'error' ? paint(c, '31', text) : level === 'success' ? paint(c, '32', text) : text;
    const line = `${paint(c, '2', timestamp(Date.now()))} ${msg}`;
    if (level === 'error') this.sink.err(line);
    else this.sink.out(line);
  }

  /** A line about or from a task. `who` is `run/step/task`. */
  task(
    who: string,
    where: number | string,
    text: string,
    opts: { stream?: LogStream; ts?: number; kind?: 'info' | 'error' | 'success' } = {},
  ): void {
    const c = this.sink.color;
    const prefix = paint(c, '36', `[${who} (${typeof where === 'number' ? `pid ${where}` : where})]`);
    const kind = opts.kind;
    const body = kind === 'error' ? paint(c, '31', text) : kind === 'success' ? paint(c, '32', text) : text;
    const line = `${paint(c, '2', timestamp(opts.ts ?? Date.now()))} ${prefix} ${body}`;
    if (opts.stream === 'stderr') this.sink.err(line);
    else this.sink.out(line);
  }
}

// Task log files: one line per output line, `<ISO-8601 UTC timestamp> <text>\n`.
// Plain text so `tail -f` and `less` work on them; the timestamp has a fixed width so it is easy to
// split off. A line's text never contains a newline (multi-line text becomes several lines with
// the same timestamp). A file being appended to may end in a partial line: readers skip it until
// its newline arrives.

import type { LogLine } from './types.js';

const ISO_LEN = '2024-01-01T00:00:00.000Z'.length;
const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function formatLogLines(lines: readonly LogLine[]): string {
  let out = '';
  for (const line of lines) {
    const ts = new Date(Number.isFinite(line.ts) ? line.ts : Date.now()).toISOString();
    for (const text of line.text.split(/\r?\n/)) out += `${ts} ${text}\n`;
  }
  return out;
}

export function parseLogLines(content: string): LogLine[] {
  const out: LogLine[] = [];
  const complete = content.lastIndexOf('\n');
  if (complete < 0) return out;
  let lastTs = 0;
  for (const raw of content.slice(0, complete).split('\n')) {
    const stamp = raw.slice(0, ISO_LEN);
    if (raw.charAt(ISO_LEN) === ' ' && ISO_RE.test(stamp)) {
      lastTs = Date.parse(stamp);
      out.push({ ts: lastTs, text: raw.slice(ISO_LEN + 1) });
    } else {
      // Not written by formatLogLines (e.g. a file edited by hand): keep the text, reuse the last time.
      out.push({ ts: lastTs, text: raw });
    }
  }
  return out;
}

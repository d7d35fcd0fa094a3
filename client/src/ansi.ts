// Colours for the run console in the terminal. The runtime colours its own output only on a TTY;
// the extension reads it through pipes (to know the exit code and the run id), so it paints the
// lines itself, by their shape: `<timestamp> [<run>/<step>/<task> (pid N)] message`. Pure.

const ESC = '\x1b[';
const paint = (code: string, s: string) => `${ESC}${code}m${s}${ESC}0m`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const HAS_ANSI = /\x1b\[/;
const LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\[[^\]]*\] )?(.*)$/;

/** One output line, coloured (already-coloured lines are left alone). */
export function colorize(line: string, stream: 'stdout' | 'stderr'): string {
  if (HAS_ANSI.test(line)) return line;
  const m = LINE.exec(line);
  const body = m ? m[3]! : line;
  let coloured: string;
  if (stream === 'stderr' || /\b(failed|error|Error)\b/.test(body)) coloured = paint('31', body);
  else if (/\b(succeeded|finished successfully|Done!)/.test(body)) coloured = paint('32', body);
  else coloured = body;
  if (!m) return coloured;
  return `${paint('2', m[1]!)} ${m[2] ? paint('36', m[2].trimEnd()) + ' ' : ''}${coloured}`;
}

/** Text for a terminal: LF → CRLF. */
export function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

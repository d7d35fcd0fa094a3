// Maps a stack trace through the flow bundle's inline source map, on demand. Enabling Node's
// source-map support for every task process would parse the map at every start; a task only
// needs it when it fails.

import fs from 'node:fs';
import path from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MARKER = '//# sourceMappingURL=data:application/json;base64,';

function loadMap(bundlePath: string): SourceMap | undefined {
  try {
    const text = fs.readFileSync(bundlePath, 'utf8');
    const at = text.lastIndexOf(MARKER);
    if (at < 0) return undefined;
    const payload = JSON.parse(Buffer.from(text.slice(at + MARKER.length).trim(), 'base64').toString('utf8'));
    return new SourceMap(payload);
  } catch {
    return undefined;
  }
}

/** Rewrites `bundle.mjs:line:col` frames of `stack` to the flow's source files. */
export function mapStack(stack: string, bundlePath: string): string {
  const url = pathToFileURL(bundlePath).href;
  if (!stack.includes(url) && !stack.includes(bundlePath)) return stack;
  const map = loadMap(bundlePath);
  if (!map) return stack;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`(?:${esc(url)}|${esc(bundlePath)}):(\\d+):(\\d+)`, 'g');
  return stack.replace(frame, (whole, line: string, col: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(col) - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined)
      return whole;
    const src = entry.originalSource;
    // esbuild writes sources relative to the bundle's folder.
    const source = src.startsWith('file:') ? fileURLToPath(src) : path.resolve(path.dirname(bundlePath), src);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

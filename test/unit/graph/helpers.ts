// Shared by the graph tests: fixture files and their `// expect: <rule> [token]` markers.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LintRuleId, Range } from '../../../runtime/src/graph/index.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/lint/', import.meta.url));

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function readFixture(name: string): string {
  return fs.readFileSync(fixturePath(name), 'utf8');
}

export function fixtureNames(): string[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.ts'))
    .sort();
}

/** An expected problem: the rule, its 1-based line, and optionally the exact text its range covers. */
export interface Marker {
  rule: LintRuleId;
  line: number;
  token?: string;
}

/** Markers are trailing comments, `// expect: <rule-id> <text the range covers>`, on the range's first line. */
export function markers(text: string): Marker[] {
  const out: Marker[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /\/\/ expect: ([a-z-]+)(?: (.*\S))?\s*$/.exec(line);
    if (!m) return;
    const marker: Marker = { rule: m[1] as LintRuleId, line: i + 1 };
    if (m[2] !== undefined) marker.token = m[2];
    out.push(marker);
  });
  return out;
}

/** The source text a 0-based range covers. */
export function rangeText(text: string, range: Range): string {
  const lines = text.split('\n');
  const offset = (line: number, character: number) =>
    lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
  return text.slice(
    offset(range.start.line, range.start.character),
    offset(range.end.line, range.end.character),
  );
}

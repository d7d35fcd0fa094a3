// Go to definition and find references. A step: from `this.next(this.x)` (or any `this.x`) and
// from `inputs.x` to the method `x`, and back. An artifact: from a use (`this.x`, the string in
// `{ foreach: 'x' }`) to where it is assigned (`this.x = ...`, a field initialiser).

import type { Location } from 'vscode-languageserver';
import type { Position, Range } from '../../runtime/src/graph/index.js';
import type { Analysis } from './documents.js';
import { artifactReferences, comparePositions, stepReferences, targetAt } from './lookup.js';

function locations(uri: string, ranges: Range[]): Location[] {
  const seen = new Set<string>();
  return ranges
    .filter((r) => {
      const key = `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => comparePositions(a.start, b.start))
    .map((range) => ({ uri, range }));
}

export function definition(analysis: Analysis | undefined, pos: Position): Location[] | null {
  const target = targetAt(analysis, pos);
  if (!analysis || !target) return null;
  if (target.kind === 'step') return locations(analysis.uri, [target.step.nameRange]);
  const sites = artifactReferences(target.view, target.name).filter((r) => r.write || r.kind === 'field');
  return sites.length > 0
    ? locations(
        analysis.uri,
        sites.map((r) => r.range),
      )
    : null;
}

export function references(
  analysis: Analysis | undefined,
  pos: Position,
  includeDeclaration: boolean,
): Location[] | null {
  const target = targetAt(analysis, pos);
  if (!analysis || !target) return null;
  if (target.kind === 'step') {
    const ranges = stepReferences(target.view, target.step.name).map((r) => r.range);
    if (includeDeclaration) ranges.push(target.step.nameRange);
    return locations(analysis.uri, ranges);
  }
  const refs = artifactReferences(target.view, target.name).filter(
    (r) => includeDeclaration || r.kind !== 'field',
  );
  return locations(
    analysis.uri,
    refs.map((r) => r.range),
  );
}

// Documentation comments of classes and steps, for `tsflow show` and hovers.

import ts from 'typescript';

function cleanBlock(text: string): string {
  return text
    .replace(/^\/\*\*?/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trimEnd())
    .join('\n')
    .trim();
}

/**
 * The comment directly above a declaration: its JSDoc block when there is one, else the run of
 * `//` lines right above it (no blank line between). A comment at the end of the previous line
 * (`foo(); // note`) is not leading trivia in TypeScript, so it never leaks into the next member.
 */
export function leadingDoc(sf: ts.SourceFile, node: ts.Node): string | undefined {
  const ranges = ts.getLeadingCommentRanges(sf.text, node.pos);
  if (!ranges || ranges.length === 0) return undefined;
  const jsdoc = ranges.filter((r) => sf.text.startsWith('/**', r.pos) && r.end - r.pos > 4);
  const last = jsdoc[jsdoc.length - 1];
  if (last) return cleanBlock(sf.text.slice(last.pos, last.end)) || undefined;
  const lines: string[] = [];
  let next = node.getStart(sf);
  for (let i = ranges.length - 1; i >= 0; i--) {
    const r = ranges[i]!;
    const gap = sf.text.slice(r.end, next);
    if (r.kind !== ts.SyntaxKind.SingleLineCommentTrivia || /\S/.test(gap) || gap.split('\n').length > 2)
      break;
    lines.unshift(sf.text.slice(r.pos + 2, r.end).trim());
    next = r.pos;
  }
  const text = lines.join('\n').trim();
  return text || undefined;
}

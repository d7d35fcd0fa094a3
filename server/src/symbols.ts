// Document symbols: each flow class, with its steps (in source order) and parameters.

import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { Analysis } from './documents.js';
import { comparePositions, flowViews } from './lookup.js';
import { stepKindLabel } from './hover.js';

export function documentSymbols(analysis: Analysis | undefined): DocumentSymbol[] {
  return flowViews(analysis).map(({ graph }) => {
    const steps: DocumentSymbol[] = [...graph.steps]
      .sort((a, b) => comparePositions(a.range.start, b.range.start))
      .map((s) => ({
        name: s.name,
        detail: stepKindLabel(s),
        kind: SymbolKind.Method,
        range: s.range,
        selectionRange: s.nameRange,
      }));
    const params: DocumentSymbol[] = graph.parameters.map((p) => ({
      name: p.field,
      detail: `--${p.name}`,
      kind: SymbolKind.Property,
      range: p.range,
      selectionRange: p.nameRange ?? p.range,
    }));
    const children = [...params, ...steps].sort((a, b) => comparePositions(a.range.start, b.range.start));
    return {
      name: graph.name,
      detail: `flow, ${graph.steps.length} step${graph.steps.length === 1 ? '' : 's'}`,
      kind: SymbolKind.Class,
      range: graph.range,
      selectionRange: graph.nameRange,
      children,
    };
  });
}

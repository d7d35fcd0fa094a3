// Completion of step names inside `this.next(`, of artifact names in `{ foreach: '…' }` and
// `{ condition: '…' }`, and of `inputs.` in a join. The context is read from the text before the
// cursor (the code being typed rarely parses); the names come from the analysis of the current
// version, else the last version that had a flow.

import { type CompletionItem, CompletionItemKind, type Range } from 'vscode-languageserver';
import type { Position, StepNode } from '../../runtime/src/graph/index.js';
import type { Analysis } from './documents.js';
import { stepKindLabel } from './hover.js';
import { type FlowView, flowAt, flowViews, stepAt } from './lookup.js';

/** How far back the context scan looks: a `this.next(` call is never longer than this. */
const SCAN_LIMIT = 2000;

export type CompletionContext =
  | { kind: 'step'; prefix: string; afterThis: boolean }
  | { kind: 'artifact'; prefix: string; option: 'foreach' | 'condition' }
  | { kind: 'input'; prefix: string; object: string };

/**
 * True when `offset` is inside the argument list of a `this.next(` call: a backwards scan that
 * balances brackets, passes object literals (switch cases, options), and stops at a statement or
 * block boundary.
 */
export function insideNextCall(text: string, offset: number): boolean {
  let depth = 0;
  const stop = Math.max(0, offset - SCAN_LIMIT);
  for (let i = offset - 1; i >= stop; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c === '(') return /\bthis\s*\.\s*next\s*$/.test(text.slice(Math.max(0, i - 40), i));
      if (c === '{') {
        // A block (method body, `if (...) {`, `=> {`) ends the search; an object literal does not.
        const before = text.slice(Math.max(0, i - 40), i).trimEnd();
        if (before.endsWith(')') || before.endsWith('=>') || before.length === 0) return false;
      }
    } else if (c === ';' && depth === 0) {
      return false;
    }
  }
  return false;
}

/** What is being completed at `offset`, if it is something tsflow knows. */
export function completionContext(text: string, offset: number): CompletionContext | undefined {
  const before = text.slice(Math.max(0, offset - 200), offset);
  const option = /\b(foreach|condition)\s*:\s*['"`]([\w$]*)$/.exec(before);
  if (option) return { kind: 'artifact', prefix: option[2]!, option: option[1] as 'foreach' | 'condition' };
  const member = /([A-Za-z_$][\w$]*)\s*\.\s*([\w$]*)$/.exec(before);
  if (member) {
    const [, object, prefix] = member as unknown as [string, string, string];
    if (object === 'this') {
      return insideNextCall(text, offset - before.length + member.index)
        ? { kind: 'step', prefix, afterThis: true }
        : undefined;
    }
    return { kind: 'input', prefix, object };
  }
  const word = /[\w$]*$/.exec(before)![0];
  const lead = before.slice(0, before.length - word.length);
  // Only where an argument starts: `this.next(|`, `this.next(this.a, |`, `{ yes: |`.
  if (/[(,:]\s*$/.test(lead) && insideNextCall(text, offset - word.length)) {
    return { kind: 'step', prefix: word, afterThis: false };
  }
  return undefined;
}

function replaceRange(pos: Position, prefix: string): Range {
  return { start: { line: pos.line, character: pos.character - prefix.length }, end: pos };
}

function stepItems(
  view: FlowView,
  current: StepNode | undefined,
  ctx: { prefix: string; afterThis: boolean },
  pos: Position,
) {
  const range = replaceRange(pos, ctx.prefix);
  return view.graph.steps
    .filter((s) => !s.isStart && s !== current)
    .map((s, i): CompletionItem => {
      const text = ctx.afterThis ? s.name : `this.${s.name}`;
      return {
        label: text,
        kind: CompletionItemKind.Method,
        detail: `step: ${stepKindLabel(s)}`,
        sortText: `!${String(i).padStart(4, '0')}`,
        filterText: ctx.afterThis ? s.name : text,
        textEdit: { range, newText: text },
      };
    });
}

/** Steps that can run before `step` (its ancestors), nearest first. */
function ancestors(view: FlowView, step: StepNode): Set<string> {
  const out = new Set<string>();
  const queue = [...step.prev];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (out.has(name)) continue;
    out.add(name);
    queue.push(...(view.steps.get(name)?.prev ?? []));
  }
  return out;
}

function artifactItems(view: FlowView, current: StepNode | undefined, prefix: string, pos: Position) {
  const range = replaceRange(pos, prefix);
  const before = current ? ancestors(view, current) : new Set<string>();
  const rank = (name: string): number => {
    if (current?.assigns.includes(name)) return 0;
    if (view.graph.steps.some((s) => before.has(s.name) && s.assigns.includes(name))) return 1;
    if (view.parameters.has(name)) return 2;
    return 3;
  };
  return [...view.artifacts].map((name): CompletionItem => {
    const r = rank(name);
    const where = view.graph.steps.filter((s) => s.assigns.includes(name)).map((s) => s.name);
    return {
      label: name,
      kind: view.parameters.has(name) ? CompletionItemKind.Constant : CompletionItemKind.Field,
      detail: view.parameters.has(name)
        ? `parameter --${view.parameters.get(name)!.name}`
        : where.length > 0
          ? `artifact assigned in ${where.join(', ')}`
          : 'artifact',
      sortText: `!${r}${name}`,
      textEdit: { range, newText: name },
    };
  });
}

export function completions(
  analysis: Analysis | undefined,
  fallback: Analysis | undefined,
  pos: Position,
  offset: number,
): CompletionItem[] {
  if (!analysis?.flowFile) return [];
  const ctx = completionContext(analysis.text, offset);
  if (!ctx) return [];
  // Positions are only meaningful in the current analysis; names survive in the last good one.
  let view = flowAt(analysis, pos);
  const current = view ? stepAt(view, pos) : undefined;
  if (!view) {
    const views = flowViews(analysis).length > 0 ? flowViews(analysis) : flowViews(fallback);
    if (views.length !== 1) return [];
    view = views[0]!;
  }
  switch (ctx.kind) {
    case 'step':
      return stepItems(view, current, ctx, pos);
    case 'artifact':
      return artifactItems(view, current, ctx.prefix, pos);
    case 'input': {
      if (!current || current.paramCount < 1 || current.paramName !== ctx.object) return [];
      const range = replaceRange(pos, ctx.prefix);
      return current.prev.map(
        (name, i): CompletionItem => ({
          label: name,
          kind: CompletionItemKind.Field,
          detail: `input from step ${name}`,
          sortText: `!${String(i).padStart(4, '0')}`,
          textEdit: { range, newText: name },
        }),
      );
    }
  }
}

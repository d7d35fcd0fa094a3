// Quick fixes where the fix is clear:
//   unknown-target        create the missing step `this.next(this.x)` names (or fix the typo)
//   missing-transition    add `this.next(this.end)`
//   join-missing-inputs   add the `inputs` parameter (and import `Inputs` when needed)
// Each fix is computed from the current analysis; a diagnostic from an older version finds no
// matching problem and gets no fix rather than a wrong one.

import { type CodeAction, CodeActionKind, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintProblem, StepNode } from '../../runtime/src/graph/index.js';
import { closestName, RESERVED_STEP_NAMES, STEP_NAME_PATTERN } from '../../runtime/src/graph/names.js';
import type { Analysis } from './documents.js';
import { comparePositions, type FlowView, flowNamed } from './lookup.js';
import { DIAGNOSTIC_SOURCE } from './protocol.js';

function sameProblem(d: Diagnostic, p: LintProblem): boolean {
  return (
    d.code === p.rule &&
    comparePositions(d.range.start, p.range.start) === 0 &&
    comparePositions(d.range.end, p.range.end) === 0
  );
}

/** The indentation of a line, and one indentation unit as the file uses it. */
function indentation(doc: TextDocument, line: number): { indent: string; unit: string } {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(text)![0];
  const next = doc.getText({
    start: { line: line + 1, character: 0 },
    end: { line: line + 2, character: 0 },
  });
  const deeper = /^[ \t]*/.exec(next)![0];
  const unit =
    deeper.startsWith(indent) && deeper.length > indent.length
      ? deeper.slice(indent.length)
      : indent.includes('\t')
        ? '\t'
        : '  ';
  return { indent, unit };
}

/** A fix of one problem: what the quick fix says and does. */
interface Fix {
  title: string;
  edits: TextEdit[];
  preferred: boolean;
}

/** What a fixer gets: the problem, its flow and step (found once, for every rule), the document. */
interface Problem {
  view: FlowView;
  problem: LintProblem;
  step: StepNode;
  text: string;
  doc: TextDocument;
}

type Fixer = (p: Problem) => Fix[];

/** `this.next(this.<target>);` on its own line, one level inside `indent`. */
function nextCall(indent: string, unit: string, target: string): string {
  return `\n${indent}${unit}this.next(this.${target});\n${indent}`;
}

/** Where a new step goes and what it transitions to: after the referring step, towards where its siblings go. */
function createStep(view: FlowView, from: StepNode, name: string, doc: TextDocument): TextEdit {
  const { indent, unit } = indentation(doc, from.range.start.line);
  let body: string;
  if (name === 'end') {
    body = '{}';
  } else {
    const siblings = (from.transition?.targets ?? []).filter((t) => t !== name).map((t) => view.steps.get(t));
    const after = siblings.map((s) => (s && s.next.length === 1 ? s.next[0] : undefined));
    const common =
      after.length > 0 && after.every((a) => a !== undefined && a === after[0]) ? after[0]! : 'end';
    body = `{${nextCall(indent, unit, common)}}`;
  }
  return {
    range: { start: from.range.end, end: from.range.end },
    newText: `\n\n${indent}@step ${name}() ${body}`,
  };
}

const unknownTarget: Fixer = ({ view, problem: p, step: from, doc }) => {
  const t = from.transition;
  if (!t) return [];
  const i = t.targetRanges.findIndex((r) => comparePositions(r.start, p.range.start) === 0);
  const name = t.targets[i];
  if (name === undefined) return [];
  const out: Fix[] = [];
  const guess = closestName(
    name,
    [...view.steps.keys()].filter((s) => s !== from.name || t.switchCases),
  );
  if (guess) {
    out.push({
      title: `Change to this.${guess}`,
      edits: [{ range: p.range, newText: `this.${guess}` }],
      preferred: true,
    });
  }
  // A helper method that lacks @step is a different mistake (the message says so): no new step.
  const isMethod = view.references.some((r) => r.name === name && (r.kind === 'method' || r.call));
  if (STEP_NAME_PATTERN.test(name) && !RESERVED_STEP_NAMES.has(name) && !isMethod) {
    out.push({
      title: `Create step '${name}'`,
      edits: [createStep(view, from, name, doc)],
      preferred: !guess,
    });
  }
  return out;
};

const missingTransition: Fixer = ({ step, text, doc }) => {
  const close = doc.offsetAt(step.range.end) - 1;
  if (text[close] !== '}') return [];
  let last = close - 1;
  while (last >= 0 && /\s/.test(text[last]!)) last--;
  const { indent, unit } = indentation(doc, step.nameRange.start.line);
  const edit: TextEdit = {
    range: { start: doc.positionAt(last + 1), end: doc.positionAt(close) },
    newText: nextCall(indent, unit, 'end'),
  };
  return [{ title: 'Add this.next(this.end)', edits: [edit], preferred: true }];
};

/** How the file can name `Inputs`, and the edit that imports it when it is not imported yet. */
function inputsType(text: string, doc: TextDocument): { name: string; edit?: TextEdit } {
  const ns = /import\s+\*\s+as\s+([\w$]+)\s+from\s+['"]tsflow['"]/.exec(text);
  const named = /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*(['"])[^'"]*\2/g;
  for (let m = named.exec(text); m; m = named.exec(text)) {
    const specifiers = m[1]!;
    if (!/\bFlowSpec\b/.test(specifiers)) continue;
    if (/\bInputs\b/.test(specifiers)) return { name: 'Inputs' };
    const open = m.index + m[0].indexOf('{');
    const trimmed = specifiers.replace(/[\s,]*$/, '');
    const at = open + 1 + trimmed.length;
    const isTypeOnly = /^import\s+type\b/.test(m[0]);
    const pos = doc.positionAt(at);
    return {
      name: 'Inputs',
      edit: { range: { start: pos, end: pos }, newText: isTypeOnly ? ', Inputs' : ', type Inputs' },
    };
  }
  if (ns) return { name: `${ns[1]}.Inputs` };
  return { name: 'Inputs' };
}

const joinMissingInputs: Fixer = ({ view, step, text, doc }) => {
  const open = text.indexOf('(', doc.offsetAt(step.nameRange.end));
  const close = open < 0 ? -1 : text.indexOf(')', open);
  if (open < 0 || close < 0 || close > doc.offsetAt(step.range.end)) return [];
  const { name, edit } = inputsType(text, doc);
  const inside = text.slice(open + 1, close);
  const param = `inputs: ${name}<${view.graph.name}>`;
  const edits: TextEdit[] = [];
  if (edit) edits.push(edit);
  const at = doc.positionAt(inside.trim() === '' ? open + 1 : close);
  edits.push({
    range: inside.trim() === '' ? { start: at, end: doc.positionAt(close) } : { start: at, end: at },
    newText: inside.trim() === '' ? param : `, ${param}`,
  });
  return [{ title: `Add the inputs parameter to '${step.name}'`, edits, preferred: true }];
};

const FIXERS: ReadonlyMap<string, Fixer> = new Map([
  ['unknown-target', unknownTarget],
  ['missing-transition', missingTransition],
  ['join-missing-inputs', joinMissingInputs],
]);

export function codeActions(
  analysis: Analysis | undefined,
  doc: TextDocument | undefined,
  diagnostics: Diagnostic[],
  only?: string[],
): CodeAction[] {
  if (!analysis?.result || !doc || doc.version !== analysis.version) return [];
  if (
    only &&
    !only.some(
      (k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === '',
    )
  ) {
    return [];
  }
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const fixer =
      d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string' ? FIXERS.get(d.code) : undefined;
    if (!fixer) continue;
    const problem = analysis.result.problems.find((x) => sameProblem(d, x));
    const view = problem?.flow ? flowNamed(analysis, problem.flow) : undefined;
    const step = problem?.step ? view?.steps.get(problem.step) : undefined;
    if (!problem || !view || !step) continue;
    for (const fix of fixer({ view, problem, step, text: analysis.text, doc })) {
      out.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: fix.preferred,
        edit: { changes: { [analysis.uri]: fix.edits } },
      });
    }
  }
  return out;
}

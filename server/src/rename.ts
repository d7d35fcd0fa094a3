// Rename a step: the method and every reference in its flow (`this.x` anywhere in the class,
// `this['x']`, `inputs.x` in joins). Refused, with the reason, when the new name can't be a step.

import {
  LSPErrorCodes,
  type Range,
  ResponseError,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Position } from '../../runtime/src/graph/index.js';
import { RESERVED_STEP_NAMES, STEP_NAME_PATTERN } from '../../runtime/src/graph/names.js';
import type { Analysis } from './documents.js';
import { stepReferences, targetAt } from './lookup.js';

const refuse = (message: string) => new ResponseError(LSPErrorCodes.RequestFailed, message);

export function prepareRename(
  analysis: Analysis | undefined,
  pos: Position,
): { range: Range; placeholder: string } | null {
  const target = targetAt(analysis, pos);
  if (target?.kind !== 'step') return null;
  const { step } = target;
  if (step.isStart || step.isEnd) {
    throw refuse(
      `'${step.name}' is where every run ${step.isStart ? 'begins' : 'finishes'}: it can't be renamed.`,
    );
  }
  return { range: target.range, placeholder: step.name };
}

export function rename(analysis: Analysis | undefined, pos: Position, newName: string): WorkspaceEdit | null {
  const target = targetAt(analysis, pos);
  if (!analysis || !target || target.kind !== 'step') return null;
  const { step, view } = target;
  prepareRename(analysis, pos);
  if (newName === step.name) return { changes: { [analysis.uri]: [] } };
  if (!STEP_NAME_PATTERN.test(newName)) {
    throw refuse(
      `'${newName}' can't be a step name: start with a letter and use only letters, digits and _.`,
    );
  }
  if (RESERVED_STEP_NAMES.has(newName)) throw refuse(`'${newName}' can't be a step name: FlowSpec uses it.`);
  const taken =
    view.steps.has(newName) || view.artifacts.has(newName) || view.references.some((r) => r.name === newName);
  if (taken) throw refuse(`${view.graph.name} already has a member named '${newName}'.`);
  const edits: TextEdit[] = [{ range: step.nameRange, newText: newName }];
  for (const ref of stepReferences(view, step.name)) edits.push({ range: ref.range, newText: newName });
  return { changes: { [analysis.uri]: edits } };
}

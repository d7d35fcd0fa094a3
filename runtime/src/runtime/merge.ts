// `this.mergeArtifacts(inputs, { include, exclude })` in a join: copy every artifact on which
// all inputs agree (compared by content hash, so nothing is loaded), refuse silent conflicts.

import type { ArtifactRef } from '../datastore/types.js';
import type { MergeOptions } from '../flow/types.js';
import { type ArtifactBinder, inputMeta } from './artifacts.js';

export interface MergeScope {
  binder: ArtifactBinder;
  /** Field values right after construction: a field still holding one was not assigned by the join. */
  initial: Map<string, unknown>;
  /** Parameter fields, which are never merged (every task has them). */
  parameterFields: Set<string>;
  step: string;
}

export function mergeArtifacts(
  scope: MergeScope,
  target: object,
  inputs: ReadonlyArray<object>,
  options: MergeOptions<any>,
): void {
  const include = options.include ? new Set<string>(options.include) : undefined;
  const exclude = new Set<string>(options.exclude ?? []);
  const candidates = new Map<string, { ref: ArtifactRef; from: string }[]>();
  for (const input of inputs) {
    const meta = inputMeta(input);
    if (!meta) throw new TypeError(`mergeArtifacts() in step '${scope.step}' takes the join's inputs`);
    for (const [name, ref] of Object.entries(meta.artifacts)) {
      if (scope.parameterFields.has(name) || name.startsWith('_')) continue;
      const list = candidates.get(name) ?? [];
      list.push({ ref, from: meta.pathspec });
      candidates.set(name, list);
    }
  }
  if (include) {
    const missing = [...include].filter((n) => !candidates.has(n));
    if (missing.length > 0) {
      throw new Error(
        `mergeArtifacts() in step '${scope.step}': include names ${missing.map((n) => `'${n}'`).join(', ')}, which no input has`,
      );
    }
  }
  const conflicts: string[] = [];
  const record = target as Record<string, unknown>;
  for (const [name, list] of candidates) {
    if (include && !include.has(name)) continue;
    if (exclude.has(name)) continue;
    const assignedHere =
      Object.hasOwn(target, name) && (!scope.initial.has(name) || scope.initial.get(name) !== record[name]);
    if (assignedHere) continue;
    const first = list[0]!;
    if (list.every((c) => c.ref.sha === first.ref.sha)) {
      scope.binder.bindInherited(target, name, first.ref);
    } else {
      const other = list.find((c) => c.ref.sha !== first.ref.sha)!;
      conflicts.push(`'${name}' (${first.from} and ${other.from} differ)`);
    }
  }
  if (conflicts.length > 0) {
    throw new Error(
      `mergeArtifacts() in step '${scope.step}': inputs disagree on ${conflicts.join(', ')}; ` +
        'assign them in the join before merging, or pass { exclude: [...] }',
    );
  }
}

// Types that make flows type-safe: a typo in `this.next(this.x)`, a `foreach` naming something
// that is not an artifact, or `inputs.b` for a step that does not exist are compile errors.

import type { FlowSpec } from './spec.js';

/** A step method as `this.next` accepts it. */
export type StepRef = (...args: any[]) => void | Promise<void>;

/** Members every flow inherits from FlowSpec; never artifacts or steps. */
type FlowSpecMember = keyof FlowSpec;

/** Names of a flow's step methods (and other methods: the linter checks those are steps). */
export type StepName<F> = Exclude<
  { [K in keyof F]-?: F[K] extends StepRef ? K : never }[keyof F],
  FlowSpecMember
> &
  string;

/** Names of a flow's artifacts: every field that is not a method. */
export type ArtifactName<F> = Exclude<
  { [K in keyof F]-?: F[K] extends (...args: any[]) => any ? never : K }[keyof F],
  FlowSpecMember
> &
  string;

/**
 * What a join step receives: the incoming tasks' artifacts, in branch order (static split) or
 * split-index order (foreach), as a read-only array; for a static split also by step name,
 * `inputs.a.pets`.
 */
export type Inputs<F> = ReadonlyArray<Readonly<F>> & {
  // Every member name rather than only step names: filtering by member type would make a join's
  // own `inputs: Inputs<F>` parameter refer to itself. The linter reports `inputs.<non-step>`.
  readonly [K in Exclude<keyof F, FlowSpecMember | keyof ReadonlyArray<unknown>>]: Readonly<F>;
};

export interface MergeOptions<F> {
  /** Only these artifacts (each must exist in some input). */
  include?: FieldName<F>[];
  /** Every artifact but these (conflicting values in excluded artifacts are fine). */
  exclude?: FieldName<F>[];
}

/**
 * A field name of the flow, as `this.next` options and `mergeArtifacts` take it. Plain
 * `keyof this` because TypeScript cannot narrow a polymorphic `this` through a conditional type
 * inside the class; a name that is not a field is still a type error, a method name is a lint error.
 */
export type FieldName<F> = keyof F & string;

/** `this.next` options for a foreach: one task per element of artifact `foreach`. */
export interface ForeachOptions<F> {
  foreach: FieldName<F>;
}

/** `this.next` options for a switch: the case is chosen by the value of artifact `condition`. */
export interface SwitchOptions<F> {
  condition: FieldName<F>;
}

/** Options shared by every step decorator factory, as recorded on the step. */
export interface DecoratorSpec {
  name: string;
  options: Record<string, unknown>;
}

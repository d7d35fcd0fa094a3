// Types that let the client know a flow's artifacts: `Task<PetsFlow>` has `data.pets: Promise<string[]>`.
// Type-only import of the flow API, so the client never loads it at run time.

import type { ArtifactName as FlowArtifactName } from '../flow/types.js';

/**
 * Names of the artifacts a reader sees for flow class `F`: its fields that are not methods nor
 * FlowSpec members, without names starting with `_` (internal). `string` when `F` is not given.
 */
export type ArtifactName<F> = unknown extends F ? string : Exclude<FlowArtifactName<F>, `_${string}`>;

/** The value type of artifact `K` of flow `F` (`unknown` when `F` is not given). */
export type ArtifactValue<F, K extends string> = unknown extends F
  ? unknown
  : K extends keyof F
    ? F[K]
    : unknown;

/**
 * Lazily loaded artifact values: reading `data.pets` starts loading that one artifact and gives
 * a promise of its value. `Record<string, Promise<unknown>>` when `F` is not given.
 */
export type TaskData<F = unknown> = unknown extends F
  ? Readonly<Record<string, Promise<unknown>>>
  : { readonly [K in ArtifactName<F>]: Promise<ArtifactValue<F, K>> };

/** A flow class, to name a flow by its class: `Flow.get(PetsFlow)`. */
export type FlowClass<F> = abstract new (...args: never[]) => F;

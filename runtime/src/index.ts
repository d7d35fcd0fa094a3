// The `tsflow` package: what a flow file imports. Kept light (no TypeScript compiler, no CLI) because every
// task process loads it.
export { FlowSpec } from './flow/spec.js';
export {
  step,
  retry,
  catchErrors,
  timeout,
  resources,
  environment,
  batch,
  type RetryOptions,
  type CatchOptions,
  type TimeoutOptions,
  type ResourcesOptions,
  type EnvironmentOptions,
  type BatchOptions,
} from './flow/step.js';
export { Parameter, type ParameterOptions, type ParameterType } from './flow/parameter.js';
export { main } from './flow/main.js';
export type { Inputs, StepName, ArtifactName, MergeOptions } from './flow/types.js';

// `@step` and the step decorators. They only record what was written on the method; the task
// worker and the scheduler act on the records. Both TC39 (standard) decorators and TypeScript's
// `experimentalDecorators` are accepted, so a flow compiles whatever its tsconfig says.

import { DECORATORS, STEP } from './symbols.js';
import type { DecoratorSpec } from './types.js';

type AnyFn = ((...args: any[]) => unknown) & { [STEP]?: StepInfo; [DECORATORS]?: DecoratorSpec[] };

export interface StepInfo {
  name: string;
}

interface LegacyDescriptor {
  value?: unknown;
}

function isStandardContext(ctx: unknown): ctx is ClassMethodDecoratorContext {
  return typeof ctx === 'object' && ctx !== null && 'kind' in ctx;
}

/** Resolves (fn, name) from either decorator calling convention. */
function target(args: unknown[]): { fn: AnyFn; name: string } {
  const [a, b, c] = args;
  if (isStandardContext(b)) {
    if (b.kind !== 'method')
      throw new TypeError(`@step and step decorators apply to methods, not to a ${b.kind}`);
    return { fn: a as AnyFn, name: String(b.name) };
  }
  const fn = (c as LegacyDescriptor | undefined)?.value;
  if (typeof fn !== 'function') throw new TypeError('@step and step decorators apply to methods');
  return { fn: fn as AnyFn, name: String(b) };
}

/** Marks a method of a FlowSpec subclass as a step. Must be the decorator closest to the method. */
export function step(value: Function, context: ClassMethodDecoratorContext): void;
export function step(target: object, key: string | symbol, descriptor: PropertyDescriptor): void;
export function step(...args: unknown[]): void {
  const { fn, name } = target(args);
  const below = fn[DECORATORS];
  if (below && below.length > 0) {
    throw new SyntaxError(
      `@${below[0]!.name} is below @step on step '${name}': put @step closest to the method and the other decorators above it`,
    );
  }
  fn[STEP] = { name };
}

/** Step info recorded by `@step`, or undefined for a method that is not a step. */
export function stepInfo(fn: unknown): StepInfo | undefined {
  return typeof fn === 'function' ? (fn as AnyFn)[STEP] : undefined;
}

/** Decorators recorded on a step method, innermost first. */
export function stepDecorators(fn: unknown): DecoratorSpec[] {
  return typeof fn === 'function' ? ((fn as AnyFn)[DECORATORS] ?? []) : [];
}

type MethodDecorator = {
  (value: Function, context: ClassMethodDecoratorContext): void;
  (target: object, key: string | symbol, descriptor: PropertyDescriptor): void;
};

function stepDecorator(name: string, options: object): MethodDecorator {
  return ((...args: unknown[]) => {
    const { fn, name: method } = target(args);
    // Written below @step, this runs before @step does; @step then reports it.
    fn[DECORATORS] ??= [];
    const list = fn[DECORATORS];
    if (list.some((d) => d.name === name)) {
      throw new SyntaxError(`@${name} is applied twice to step '${method}'`);
    }
    list.push({ name, options: { ...options } });
  }) as MethodDecorator;
}

export interface RetryOptions {
  /** Extra attempts after the first (0-4, default 3). */
  times?: number;
  /** Wait between attempts (default 2; applied by remote compute, locally retries are immediate). */
  minutesBetweenRetries?: number;
}
/** Re-run a failed task as a new attempt. */
export const retry = (options: RetryOptions = {}): MethodDecorator => stepDecorator('retry', options);

export interface CatchOptions {
  /** Artifact that receives the error (or null when the step succeeded). */
  var?: string;
  printException?: boolean;
}
/** Store a step's error in an artifact and continue the flow. */
export const catchErrors = (options: CatchOptions = {}): MethodDecorator =>
  stepDecorator('catchErrors', options);

export interface TimeoutOptions {
  seconds?: number;
  minutes?: number;
  hours?: number;
}
/** Kill the task when it runs longer than this. */
export const timeout = (options: TimeoutOptions): MethodDecorator => stepDecorator('timeout', options);

export interface ResourcesOptions {
  cpu?: number;
  /** Megabytes. */
  memory?: number;
  gpu?: number;
}
/** What the step needs; used by compute backends. */
export const resources = (options: ResourcesOptions): MethodDecorator => stepDecorator('resources', options);

export interface EnvironmentOptions {
  vars: Record<string, string>;
}
/** Environment variables for the task process. */
export const environment = (options: EnvironmentOptions): MethodDecorator =>
  stepDecorator('environment', options);

export interface BatchOptions {
  queue?: string;
  image?: string;
  cpu?: number;
  memory?: number;
  gpu?: number;
  jobRole?: string;
  [key: string]: unknown;
}
/** Run the step on AWS Batch. */
export const batch = (options: BatchOptions = {}): MethodDecorator => stepDecorator('batch', options);

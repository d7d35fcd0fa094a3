// FlowSpec: the base class of every flow. A step's code talks to the runtime only through the
// members here (`next`, `input`, `index`, `mergeArtifacts`); the task worker supplies a
// `TaskContext` that records what the step did.

import { stepInfo } from './step.js';
import { CONTEXT, FLOW_CLASS } from './symbols.js';
import type { ArtifactName, ForeachOptions, MergeOptions, StepRef, SwitchOptions } from './types.js';

/** What a step's `this.next(...)` call said, with step methods resolved to names. */
export interface RecordedNext {
  targets: string[];
  foreach?: string;
  condition?: string;
  /** Switch: case key → step name. */
  cases?: Record<string, string>;
}

/** Supplied by the task worker while a step runs. */
export interface TaskContext {
  readonly step: string;
  readonly pathspec: string;
  /** The element and index of the innermost foreach, if the task is inside one. */
  readonly foreach?: { readonly index: number; input(): unknown };
  next?: RecordedNext;
  mergeArtifacts(target: FlowSpec, inputs: ReadonlyArray<object>, options: MergeOptions<any>): void;
}

function stepName(fn: unknown, position: string): string {
  const info = stepInfo(fn);
  if (!info) {
    throw new TypeError(
      `this.next(): ${position} is not a @step method (pass a step as this.<step>, not a call or another value)`,
    );
  }
  return info.name;
}

function isOptions(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && typeof v !== 'function';
}

export abstract class FlowSpec {
  static readonly [FLOW_CLASS] = true;
  declare [CONTEXT]?: TaskContext;

  /**
   * The transition at the end of a step (always its last statement):
   * - `this.next(this.b)`: go to `b`
   * - `this.next(this.a, this.b)`: run `a` and `b` in parallel; a join step closes the split
   * - `this.next(this.body, { foreach: 'items' })`: one `body` task per element of `this.items`
   * - `this.next({ yes: this.a, no: this.b }, { condition: 'choice' })`: go where `this.choice` says
   */
  next(...targets: [StepRef, ...StepRef[]]): void;
  next(target: StepRef, options: ForeachOptions<this>): void;
  next(cases: Record<string | number, StepRef>, options: SwitchOptions<this>): void;
  next(...args: unknown[]): void {
    const recorded = parseNext(args);
    const ctx = this[CONTEXT];
    if (!ctx) {
      // Not run by tsflow (e.g. a unit test calling a step directly): nothing to schedule.
      return;
    }
    if (ctx.next) throw new Error(`this.next() was called twice in step '${ctx.step}'; call it once, last`);
    ctx.next = recorded;
  }

  /** The element of the foreach list this task handles (in a foreach body step). */
  get input(): any {
    const fe = this[CONTEXT]?.foreach;
    if (!fe) throw new Error(`this.input is only set in a step that a foreach started (${this.whereAmI()})`);
    return fe.input();
  }

  /** The position of `this.input` in the foreach list (in a foreach body step). */
  get index(): number {
    const fe = this[CONTEXT]?.foreach;
    if (!fe) throw new Error(`this.index is only set in a step that a foreach started (${this.whereAmI()})`);
    return fe.index;
  }

  /**
   * In a join: copies every artifact whose value is the same in all inputs that have it. An
   * artifact with different values in different inputs is an error unless it is excluded or
   * already assigned in this join.
   */
  mergeArtifacts(inputs: ReadonlyArray<object>, options: MergeOptions<this> = {}): void {
    const ctx = this[CONTEXT];
    if (!ctx) throw new Error('mergeArtifacts() only works while tsflow runs the step');
    ctx.mergeArtifacts(this, inputs, options as MergeOptions<any>);
  }

  private whereAmI(): string {
    const ctx = this[CONTEXT];
    return ctx ? `step '${ctx.step}'` : 'not running in tsflow';
  }
}

function parseNext(args: unknown[]): RecordedNext {
  if (args.length === 0) throw new TypeError('this.next() needs at least one step');
  const last = args[args.length - 1];
  if (args.length === 2 && isOptions(last)) {
    const [first] = args;
    const keys = Object.keys(last);
    if (keys.length !== 1 || (keys[0] !== 'foreach' && keys[0] !== 'condition')) {
      throw new TypeError(
        `this.next() options must be { foreach: '<artifact>' } or { condition: '<artifact>' }`,
      );
    }
    if ('foreach' in last) {
      const foreach = last.foreach;
      if (typeof foreach !== 'string' || foreach === '') {
        throw new TypeError('this.next(step, { foreach }) needs the artifact name as a string');
      }
      return { targets: [stepName(first, 'the foreach target')], foreach };
    }
    const condition = last.condition;
    if (typeof condition !== 'string' || condition === '') {
      throw new TypeError('this.next(cases, { condition }) needs the artifact name as a string');
    }
    if (!isOptions(first)) throw new TypeError('this.next(cases, { condition }) needs an object of cases');
    const cases: Record<string, string> = {};
    for (const [key, fn] of Object.entries(first)) cases[key] = stepName(fn, `case '${key}'`);
    return { targets: Object.values(cases), condition, cases };
  }
  return { targets: args.map((fn, i) => stepName(fn, `argument ${i + 1}`)) };
}

/** True for a FlowSpec subclass (also one built against another copy of the runtime). */
export function isFlowClass(v: unknown): v is new () => FlowSpec {
  return (
    typeof v === 'function' &&
    (v as unknown as Record<symbol, unknown>)[FLOW_CLASS] === true &&
    v !== FlowSpec
  );
}

/** Step methods of a flow class by name (own and inherited). */
export function stepMethods(cls: new () => FlowSpec): Map<string, (...args: unknown[]) => unknown> {
  const out = new Map<string, (...args: unknown[]) => unknown>();
  for (
    let proto = cls.prototype;
    proto && proto !== FlowSpec.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const fn = Object.getOwnPropertyDescriptor(proto, key)?.value;
      const info = stepInfo(fn);
      if (info && !out.has(info.name)) out.set(info.name, fn);
    }
  }
  return out;
}

export type { ArtifactName };

// Symbols shared between the flow API and the task worker. `Symbol.for` keeps them identical even
// if two copies of the runtime were ever loaded in one process (e.g. a flow importing its own
// `tsflow` through a different path), so a flow class is always recognised.

/** Set on a step method by `@step`: `{ name }`. */
export const STEP = Symbol.for('tsflow.step');
/** Set on a step method by the other step decorators: `DecoratorSpec[]`, outermost last. */
export const DECORATORS = Symbol.for('tsflow.decorators');
/** Set on a flow instance by the worker: its `TaskContext`. */
export const CONTEXT = Symbol.for('tsflow.context');
/** Marks the value returned by `Parameter(...)` until the runtime binds it. */
export const PARAMETER = Symbol.for('tsflow.parameter');
/** Marks a FlowSpec subclass (static), so classes from another runtime copy are still recognised. */
export const FLOW_CLASS = Symbol.for('tsflow.flowClass');
/** globalThis flag: set while tsflow itself imports a flow module, so `main()` only registers. */
export const LOADING = Symbol.for('tsflow.loading');
/** globalThis registry of classes passed to `main()`: Map<name, class>. */
export const REGISTRY = Symbol.for('tsflow.registry');
/** globalThis slot where a task runner puts its flow API for the CommonJS flow bundle it loads. */
export const FLOW_API = Symbol.for('tsflow.flowApi');

// The flow graph as extracted statically from source. This is one of the two seams of tsflow
// (the other is `client/`): the CLI (`check`, `show`, `graph`, `run`), the scheduler, the
// language server and the DAG panel all read these types, so they are plain JSON (no classes,
// no Maps) and documented field by field. `tsflow graph --format json` prints a `FlowGraph`.

/** A position in a source file. `line` and `character` are 0-based (LSP convention). */
export interface Position {
  line: number;
  character: number;
}

/** A half-open source range, 0-based like LSP. Messages print `line + 1`. */
export interface Range {
  start: Position;
  end: Position;
}

/**
 * The kind of a step, from its tail `this.next(...)` call and its signature:
 * - `start`: the start step with a linear transition
 * - `linear`: one successor
 * - `split-static`: `this.next(this.a, this.b, ...)`, two or more successors, closed by a join
 * - `split-foreach`: `this.next(this.body, { foreach: 'items' })`, one task per element
 * - `split-switch`: `this.next({ k: this.a, ... }, { condition: 'choice' })`, one successor chosen
 * - `join`: takes an `inputs` parameter, closes a static or foreach split
 * - `end`: the end step, no transition
 * A start step that splits keeps its split kind (as in Metaflow); `isStart` says it starts.
 */
export type StepKind =
  | 'start'
  | 'linear'
  | 'split-static'
  | 'split-foreach'
  | 'split-switch'
  | 'join'
  | 'end';

/** A decorator written above a step, e.g. `@retry({ times: 3 })`. */
export interface DecoratorInfo {
  /** Name as written, without `@` and arguments: `step`, `retry`, `catchErrors`, ... */
  name: string;
  /** Source text of the argument list without parentheses, `''` when called with none, `null` when not called (`@step`). */
  argsText: string | null;
  /**
   * The arguments when they are a literal object (`{ times: 3, minutesBetweenRetries: 0 }`):
   * JSON values of the properties whose values are literals. `{}` when called with no arguments
   * (`@retry()`: all defaults); `null` when not a literal object or not called.
   */
  args: Record<string, unknown> | null;
  /**
   * Range of each property value of a literal-object argument, keyed like `args` (non-literal
   * values included), so diagnostics and quick fixes can point at `times: 9` rather than the
   * whole decorator. Absent when the argument is not an object literal.
   */
  argRanges?: Record<string, Range>;
  range: Range;
}

/** The tail transition of a step as written in source. */
export interface Transition {
  /** The `this.next(...)` call expression. */
  range: Range;
  /** Successor step names, in the order written (switch: the case values in order; may repeat). */
  targets: string[];
  /** Range of each target argument (`this.a`), parallel to `targets`. */
  targetRanges: Range[];
  /** For `{ foreach: 'items' }`: the artifact name. */
  foreach?: string;
  /** For a switch: the `condition` artifact name. */
  condition?: string;
  /** For a switch: case key → step name. */
  switchCases?: Record<string, string>;
  /** Range of the options object's `foreach`/`condition` value, for diagnostics. */
  optionRange?: Range;
}

export interface StepNode {
  name: string;
  kind: StepKind;
  /** True for the start step (its kind may be a split). */
  isStart: boolean;
  isEnd: boolean;
  /** The method name identifier. */
  nameRange: Range;
  /** The whole method declaration, decorators included. */
  range: Range;
  /** 1-based line of the method name, for messages. */
  line: number;
  decorators: DecoratorInfo[];
  /** Number of declared parameters (a join declares exactly one: `inputs`). */
  paramCount: number;
  /** The name of the first parameter, when any (`inputs`). */
  paramName?: string;
  /** Successor step names, as in `transition.targets` without duplicates. Empty for end. */
  next: string[];
  /** Steps with an edge into this one, in the order they were discovered from the start. */
  prev: string[];
  /** The parsed tail `this.next(...)`; null when the step has none or it is malformed. */
  transition: Transition | null;
  /** For a static or foreach split: the join that closes it (null when unbalanced). */
  matchingJoin: string | null;
  /** For a join: the split step it closes (null when unbalanced). */
  matchingSplit: string | null;
  /** Artifact names this step assigns (`this.x = ...`), in source order, without duplicates. */
  assigns: string[];
  /** Artifact names this step reads (`this.x` not called, not assigned), without duplicates. */
  reads: string[];
  /** The leading JSDoc / comment text of the method, if any. */
  doc?: string;
}

/** A `Parameter(...)` field of the flow class, as far as it can be read statically. */
export interface ParameterInfo {
  /** The field (artifact) name on the class. */
  field: string;
  /** The command-line name (`--name`), the first argument of `Parameter(...)`. */
  name: string;
  /**
   * Explicit `type` option or inferred from a literal default, as the runtime does (`'string'`
   * when there is no default); null when the default is not a literal.
   */
  type: 'string' | 'number' | 'boolean' | 'json' | null;
  /** Source text of the default expression, if any. */
  defaultText?: string;
  /** JSON value of the default when it is a literal. */
  defaultValue?: unknown;
  /** `required: true` and no default (the runtime ignores `required` when there is a default). */
  required: boolean;
  help?: string;
  /** The whole field declaration. */
  range: Range;
  /** The first argument (`'alpha'`), when it is a string literal. */
  nameRange?: Range;
}

export interface FlowGraph {
  /** Version of this JSON schema; bumped on any incompatible change. */
  schema: 1;
  /** The flow class name (the flow's name in the datastore). */
  name: string;
  /** Absolute path of the source file. */
  file: string;
  /** The class name identifier and the whole class declaration. */
  nameRange: Range;
  range: Range;
  doc?: string;
  /** Name of the start and end steps (null when missing or ambiguous). */
  start: string | null;
  end: string | null;
  /** Steps in a stable topological order from the start (unreachable steps last, in source order). */
  steps: StepNode[];
  parameters: ParameterInfo[];
}

export type LintSeverity = 'error' | 'warning';

/** Every lint rule has a stable id (used by `check --json`, diagnostics codes and quick fixes). */
export type LintRuleId =
  | 'no-flow-class'
  | 'reserved-name'
  | 'invalid-step-name'
  | 'duplicate-step'
  | 'missing-start'
  | 'missing-end'
  | 'start-has-incoming'
  | 'end-has-transition'
  | 'end-is-join'
  | 'too-many-parameters'
  | 'join-and-split'
  | 'missing-transition'
  | 'transition-not-last'
  | 'invalid-transition'
  | 'unknown-target'
  | 'cycle'
  | 'unreachable'
  | 'unclosed-split'
  | 'join-branch-mismatch'
  | 'join-without-split'
  | 'cross-join'
  | 'join-missing-inputs'
  | 'switch-too-few-cases'
  | 'empty-foreach'
  | 'switch-into-join'
  /** In a join, `inputs.x` where `x` is not a step that leads into it. */
  | 'unknown-input'
  | 'decorator-below-step'
  | 'duplicate-decorator'
  | 'catch-on-split'
  | 'unknown-decorator'
  | 'invalid-decorator-argument'
  | 'duplicate-parameter'
  | 'reserved-parameter'
  /** A Parameter's command-line name must start with a letter and use letters, digits, `_`, `-`. */
  | 'invalid-parameter-name'
  | 'syntax-error'
  /** The analyser itself failed on this input (a tsflow bug): reported instead of throwing. */
  | 'internal-error';

export interface RelatedInfo {
  message: string;
  range: Range;
  file: string;
}

export interface LintProblem {
  rule: LintRuleId;
  severity: LintSeverity;
  message: string;
  /** Absolute path of the file. */
  file: string;
  /** 1-based line, for messages (`file:line`). */
  line: number;
  /** 1-based column. */
  column: number;
  range: Range;
  /** The flow and step the problem is about, when there is one. */
  flow?: string;
  step?: string;
  related?: RelatedInfo[];
}

/**
 * Where a flow class names one of its members: what an editor needs for go to definition, find
 * references and rename. Not part of the graph JSON (the scheduler and the DAG panel don't need
 * it): computed only when asked, `analyzeSource(file, text, { references: true })`.
 */
export interface MemberReference {
  /** The member named: a step, an artifact, a method, or (kind `inputs`) the step an input comes from. */
  name: string;
  /**
   * - `this`: `this.x` or `this['x']` anywhere in the class (steps, other methods, field initialisers),
   *   except inside nested `function`s and classes, whose `this` is another object
   * - `inputs`: `inputs.x` in a step that takes inputs (`x` names the step the input comes from)
   * - `field`: a field declaration `x = ...` / `x: T;` (the artifact's declaration; also Parameters)
   * - `option`: the artifact named by `{ foreach: 'x' }` or `{ condition: 'x' }` in `this.next(...)`
   * - `method`: the declaration of a method that is not a step (a helper)
   */
  kind: 'this' | 'inputs' | 'field' | 'option' | 'method';
  /** The name only: the identifier, or the text inside the quotes of `this['x']` and options. */
  range: Range;
  /** Written: an assignment target (`this.x = v`, `this.x += 1`, destructuring, `for (this.x of ...)`), or a field with an initialiser. */
  write: boolean;
  /** Called: `this.x(...)`. */
  call: boolean;
  /** The step whose method contains it; absent outside steps (fields, helper methods). */
  step?: string;
}

/** Every member reference of one flow class, in source order. */
export interface FlowReferences {
  /** The flow class name, as in `FlowGraph.name`. */
  flow: string;
  references: MemberReference[];
}

/** Options of `analyzeSource`. */
export interface AnalyzeOptions {
  /** Also collect `FileAnalysis.references` (an extra walk of each flow class; editors ask for it). */
  references?: boolean;
}

/** What `analyzeSource` / `analyzeFile` return: every flow class in the file and every problem. */
export interface FileAnalysis {
  file: string;
  flows: FlowGraph[];
  problems: LintProblem[];
  /** With `{ references: true }`: one entry per flow, parallel to `flows`. */
  references?: FlowReferences[];
}

// What extraction learns from the syntax tree that the JSON graph does not carry: where a
// malformed or misplaced `this.next` is, duplicate declarations, plain methods. The linter needs
// these for the rules about how code is written; the JSON graph stays the clean, documented shape
// that the scheduler and the DAG panel read. Plain data (no syntax nodes), so it outlives the parse.

import type { FlowGraph, LintRuleId, MemberReference, Range } from './types.js';

/** A problem found while reading the syntax, before it becomes a `LintProblem` with file and line. */
export interface Issue {
  rule: LintRuleId;
  message: string;
  range: Range;
}

export interface StepFacts {
  /** The tail `this.next(...)` call, also when it is malformed (then `transition` is null). */
  tailCall: Range | null;
  /** `this.next(...)` calls that are not the step's last statement (inside `if`, loops, callbacks...). */
  misplacedCalls: Range[];
  /** Why the tail `this.next(...)` is malformed (rule `invalid-transition`). */
  transitionIssues: Issue[];
  /** The switch's cases object, `{ yes: this.a, no: this.b }`. */
  casesRange: Range | null;
  /** In a join, `inputs.<name>` accesses: the name and the range of the `<name>` identifier. */
  inputAccesses: { name: string; range: Range }[];
  /** The first declared parameter and the extra ones after it. */
  firstParamRange: Range | null;
  extraParamsRange: Range | null;
}

export interface DuplicateStep {
  name: string;
  nameRange: Range;
  /** The first declaration, which is the one in the graph. */
  firstNameRange: Range;
}

export interface FlowFacts {
  /** By step name (the first declaration of each name). */
  steps: Map<string, StepFacts>;
  duplicateSteps: DuplicateStep[];
  /** Methods of the class that are not steps (to explain `this.next(this.helper)`). */
  methods: Set<string>;
  /** Decorator names bound to something other than tsflow (the user's own decorators). */
  foreignDecorators: Set<string>;
}

export interface ExtractedFlow {
  graph: FlowGraph;
  facts: FlowFacts;
  /** Member references, when extraction was asked for them (`AnalyzeOptions.references`). */
  references?: MemberReference[];
}

/** Everything extraction found in one file. */
export interface Extraction {
  file: string;
  flows: ExtractedFlow[];
  /** File-level issues: syntax errors. */
  issues: Issue[];
  /** The first line of the file, where file-level problems (no flow class) are shown. */
  firstLine: Range;
}

// The lint rules (Metaflow's list, adapted to TypeScript, plus decorator and parameter checks).
// Unlike Metaflow, which stops at the first failure, every rule runs and every problem is
// reported, each on the most precise range: the decorator, the step name, the `this.next` call or
// the offending argument. Rules that judge the whole graph (reachability, split/join balance) are
// skipped while a reachable step's transition is missing, malformed or points at an unknown step:
// the graph is then known to be incomplete, and the local error is the one to fix first.

import { checkBalance } from './balance.js';
import { checkDecoratorArguments } from './decorator-args.js';
import type { Extraction, FlowFacts } from './facts.js';
import {
  closestName,
  KNOWN_DECORATORS,
  normalizeParameterName,
  RESERVED_PARAMETER_NAMES,
  RESERVED_STEP_NAMES,
  STEP_NAME_PATTERN,
} from './names.js';
import { type GraphIndex, indexGraph, takesInputs } from './structure.js';
import type { FlowGraph, LintProblem, LintRuleId, Range, RelatedInfo, StepNode } from './types.js';

/** What each rule checks, one line each (for `tsflow check --rules`, docs and quick-fix titles). */
export const RULES: Readonly<Record<LintRuleId, string>> = {
  'no-flow-class': 'the file declares no class that extends FlowSpec',
  'reserved-name': 'a step is named like a FlowSpec member (next, input, index, name, mergeArtifacts, ...)',
  'invalid-step-name': 'a step name is not a plain identifier matching /^[A-Za-z][A-Za-z0-9_]*$/',
  'duplicate-step': 'two steps have the same name',
  'missing-start': 'the flow has no step named start',
  'missing-end': 'the flow has no step named end',
  'start-has-incoming': 'a step transitions back to start',
  'end-has-transition': 'the end step calls this.next(...)',
  'end-is-join': 'the end step takes inputs (a join); add a join before it',
  'too-many-parameters': 'a step declares more than one parameter',
  'join-and-split': 'a join step (it takes inputs) also splits',
  'missing-transition': 'a non-end step does not end with this.next(...)',
  'transition-not-last':
    'this.next(...) is not the last statement, is nested in if/loop/callback, or is called twice',
  'invalid-transition': 'this.next(...) matches none of the four forms (linear, split, foreach, switch)',
  'unknown-target': 'this.next(...) names something that is not a step',
  cycle: 'steps form a loop (only a switch may go back to itself)',
  unreachable: 'no path from start leads to the step',
  'unclosed-split': 'the end step is reached while a split or foreach is still open',
  'join-branch-mismatch': 'a join does not receive every branch of the split it closes',
  'join-without-split': 'a step takes inputs but no split is open before it',
  'cross-join': 'a join merges branches of unrelated splits',
  'join-missing-inputs': 'branches meet at a step that declares no inputs parameter',
  'switch-too-few-cases': 'a switch has fewer than two cases',
  'empty-foreach': 'a foreach goes straight into a join',
  'switch-into-join': 'a switch case goes straight into a join',
  'unknown-input': 'a join reads inputs.x where x is not a step that leads into it',
  'decorator-below-step': 'a step decorator is written below @step (it must be above)',
  'duplicate-decorator': 'a decorator is applied twice to one step',
  'catch-on-split':
    '@catchErrors is on a foreach split or a switch, which have nowhere to go after a caught error',
  'unknown-decorator': 'a decorator on a step is not a tsflow step decorator',
  'invalid-decorator-argument': 'a literal decorator option is out of range or malformed',
  'duplicate-parameter': 'two Parameters have the same name (case-insensitive)',
  'reserved-parameter': 'a Parameter is named like a tsflow command-line option',
  'invalid-parameter-name': 'a Parameter name is not a valid command-line option name',
  'syntax-error': 'TypeScript cannot parse the file',
  'internal-error': 'the analyser failed on this input (a tsflow bug)',
};

const PARAMETER_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** `inputs` is an array too: `inputs.length`, `inputs.map(...)` are not step names. */
const ARRAY_MEMBERS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Array.prototype));

/** Builds problems for one file and flow with consistent positions. */
class Reporter {
  readonly problems: LintProblem[] = [];
  constructor(
    readonly file: string,
    readonly flow?: string,
  ) {}

  add(
    rule: LintRuleId,
    range: Range,
    message: string,
    extra: { step?: string; related?: { message: string; range: Range }[] } = {},
  ): void {
    const p: LintProblem = {
      rule,
      severity: 'error',
      message,
      file: this.file,
      line: range.start.line + 1,
      column: range.start.character + 1,
      range,
    };
    if (this.flow !== undefined) p.flow = this.flow;
    if (extra.step !== undefined) p.step = extra.step;
    if (extra.related && extra.related.length > 0) {
      p.related = extra.related.map((r): RelatedInfo => ({ ...r, file: this.file }));
    }
    this.problems.push(p);
  }
}

const stepList = (steps: Iterable<string>) => [...steps].map((s) => `'${s}'`).join(', ');

class FlowLinter {
  private readonly r: Reporter;
  private readonly index: GraphIndex;
  private readonly start: StepNode | undefined;

  constructor(
    private readonly graph: FlowGraph,
    private readonly facts: FlowFacts | undefined,
  ) {
    this.r = new Reporter(graph.file, graph.name);
    this.index = indexGraph(graph);
    this.start = graph.start !== null ? this.index.byName.get(graph.start) : undefined;
  }

  run(): LintProblem[] {
    this.names();
    this.startAndEnd();
    this.signatures();
    this.transitions();
    this.unknownTargets();
    this.cycles();
    this.wholeGraph();
    this.switchesAndForeaches();
    this.decorators();
    this.parameters();
    return this.r.problems;
  }

  private names(): void {
    for (const s of this.graph.steps) {
      if (RESERVED_STEP_NAMES.has(s.name)) {
        this.r.add(
          'reserved-name',
          s.nameRange,
          `'${s.name}' can't be a step name: FlowSpec uses it (this.${s.name}). Rename the step.`,
          { step: s.name },
        );
      } else if (!STEP_NAME_PATTERN.test(s.name)) {
        this.r.add(
          'invalid-step-name',
          s.nameRange,
          `'${s.name}' can't be a step name: step names are path components (Flow/run/step/task), so they ` +
            `start with a letter and use only letters, digits and _.`,
          { step: s.name },
        );
      }
    }
    for (const d of this.facts?.duplicateSteps ?? []) {
      this.r.add(
        'duplicate-step',
        d.nameRange,
        `step '${d.name}' is declared twice: the first declaration (line ${d.firstNameRange.start.line + 1}) ` +
          `is the one used. Rename or remove this one.`,
        { step: d.name, related: [{ message: `first declaration of '${d.name}'`, range: d.firstNameRange }] },
      );
    }
  }

  private startAndEnd(): void {
    const { graph } = this;
    if (graph.start === null) {
      this.r.add(
        'missing-start',
        graph.nameRange,
        `flow ${graph.name} has no start step: add \`@step start() { ... this.next(this.<step>); }\`, ` +
          `where every run begins.`,
      );
    }
    if (graph.end === null) {
      this.r.add(
        'missing-end',
        graph.nameRange,
        `flow ${graph.name} has no end step: add \`@step end() {}\`, where every run finishes.`,
      );
    }
    const start = this.start;
    if (start) {
      for (const s of graph.steps) {
        const t = s.isEnd ? null : s.transition;
        t?.targets.forEach((target, i) => {
          if (target !== start.name) return;
          this.r.add(
            'start-has-incoming',
            t.targetRanges[i]!,
            `step '${s.name}' goes back to '${start.name}': the start step can't have incoming transitions. ` +
              `Go to another step instead (move what start does into a step after it if you need to repeat it).`,
            { step: s.name, related: [{ message: 'the start step', range: start.nameRange }] },
          );
        });
      }
    }
    const end = graph.end !== null ? this.index.byName.get(graph.end) : undefined;
    if (end) {
      const f = this.facts?.steps.get(end.name);
      const calls = f
        ? [...(f.tailCall ? [f.tailCall] : []), ...f.misplacedCalls]
        : end.transition
          ? [end.transition.range]
          : [];
      for (const range of calls) {
        this.r.add(
          'end-has-transition',
          range,
          `the end step must not call this.next(...): the run finishes here. Remove the call, or give the ` +
            `flow another end step if it continues.`,
          { step: end.name },
        );
      }
      if (end.paramCount >= 1) {
        this.r.add(
          'end-is-join',
          f?.firstParamRange ?? end.nameRange,
          `the end step can't be a join (it takes '${end.paramName ?? 'inputs'}'): add a join step before it, ` +
            `join(inputs: Inputs<${graph.name}>) { ...; this.next(this.end); }, and remove the parameter here.`,
          { step: end.name },
        );
      }
    }
  }

  private signatures(): void {
    for (const s of this.graph.steps) {
      if (s.paramCount > 1) {
        this.r.add(
          'too-many-parameters',
          this.facts?.steps.get(s.name)?.extraParamsRange ?? s.nameRange,
          `step '${s.name}' declares ${s.paramCount} parameters: a step takes none, or one (inputs) when it ` +
            `is a join. Remove the extra ones.`,
          { step: s.name },
        );
      }
      const splits = s.kind === 'split-static' || s.kind === 'split-foreach' || s.kind === 'split-switch';
      if (!s.isEnd && s.paramCount >= 1 && splits && s.transition) {
        this.r.add(
          'join-and-split',
          s.transition.range,
          `step '${s.name}' is a join (it takes ${s.paramName ?? 'inputs'}) and also splits: a step can do ` +
            `one or the other. Go to a new step here, and split from that one.`,
          { step: s.name },
        );
      }
    }
  }

  private transitions(): void {
    for (const s of this.graph.steps) {
      if (s.isEnd) continue;
      const f = this.facts?.steps.get(s.name);
      for (const range of f?.misplacedCalls ?? []) {
        this.r.add(
          'transition-not-last',
          range,
          f?.tailCall
            ? `this.next(...) is called more than once in step '${s.name}': only its last statement may call it.`
            : `this.next(...) must be the last statement of step '${s.name}', on its own: not inside if/else, a ` +
                `loop or a callback, and nothing after it. To choose the next step at run time, use a switch: ` +
                `this.next({ yes: this.a, no: this.b }, { condition: 'choice' }).`,
          { step: s.name },
        );
      }
      for (const issue of f?.transitionIssues ?? []) {
        this.r.add(issue.rule, issue.range, `step '${s.name}': ${issue.message}`, { step: s.name });
      }
      if (!s.transition && !f?.tailCall && (f?.misplacedCalls.length ?? 0) === 0) {
        this.r.add(
          'missing-transition',
          s.nameRange,
          `step '${s.name}' has no transition: end it with this.next(this.<step>) (only the end step has none).`,
          { step: s.name },
        );
      }
      const t = s.transition;
      for (const [option, value] of [
        ['foreach', t?.foreach],
        ['condition', t?.condition],
      ] as const) {
        if (value === undefined || !t?.optionRange) continue;
        if (this.index.byName.has(value) || this.facts?.methods.has(value)) {
          this.r.add(
            'invalid-transition',
            t.optionRange,
            `step '${s.name}': ${option} names '${value}', which is a method: it must name an artifact ` +
              `(a field assigned with this.${option === 'foreach' ? 'items' : 'choice'} = ...).`,
            { step: s.name },
          );
        }
      }
    }
  }

  private unknownTargets(): void {
    const steps = [...this.index.byName.keys()];
    for (const s of this.graph.steps) {
      const t = s.isEnd ? null : s.transition;
      t?.targets.forEach((target, i) => {
        if (this.index.byName.has(target)) return;
        let hint: string;
        if (this.facts?.methods.has(target)) {
          hint = `'${target}' is a method but not a step: add @step above it.`;
        } else {
          const guess = closestName(target, steps);
          hint = guess
            ? `did you mean '${guess}'?`
            : `the steps are ${stepList(steps)} (a step is a method marked @step).`;
        }
        this.r.add(
          'unknown-target',
          t.targetRanges[i]!,
          `step '${s.name}' goes to '${target}', which is not a step of ${this.graph.name}: ${hint}`,
          { step: s.name },
        );
      });
    }
  }

  /** Loops, by depth-first search; one report per loop, on the edge that closes it. */
  private cycles(): void {
    const { byName } = this.index;
    const state = new Map<string, 'active' | 'done'>();
    const reported = new Set<string>();
    const edges = (s: StepNode) =>
      s.isEnd
        ? []
        : s.next.filter(
            (t) => byName.has(t) && t !== this.graph.start && !(t === s.name && s.kind === 'split-switch'),
          );
    for (const root of this.graph.steps) {
      if (state.has(root.name)) continue;
      const path: { step: StepNode; edges: string[] }[] = [{ step: root, edges: edges(root).reverse() }];
      state.set(root.name, 'active');
      while (path.length > 0) {
        const top = path[path.length - 1]!;
        const next = top.edges.pop();
        if (next === undefined) {
          state.set(top.step.name, 'done');
          path.pop();
          continue;
        }
        const st = state.get(next);
        if (st === undefined) {
          const step = byName.get(next)!;
          state.set(next, 'active');
          path.push({ step, edges: edges(step).reverse() });
        } else if (st === 'active') {
          const from = path.findIndex((p) => p.step.name === next);
          const loop = path.slice(from).map((p) => p.step.name);
          if (loop.some((n) => reported.has(n))) continue;
          for (const n of loop) reported.add(n);
          const closing = top.step;
          const i = closing.transition?.targets.indexOf(next) ?? -1;
          const range = closing.transition?.targetRanges[i] ?? closing.nameRange;
          this.r.add(
            'cycle',
            range,
            `there is a loop in the flow: ${[...loop, next].join(' -> ')}. Steps can't loop, except a switch ` +
              `that goes back to itself: this.next({ again: this.${closing.name}, done: this.<after> }, { condition: 'more' }).`,
            { step: closing.name },
          );
        }
      }
    }
  }

  /** Reachability and split/join balance: only on a graph whose every reachable transition is known. */
  private wholeGraph(): void {
    const { byName, reachable } = this.index;
    if (!this.start) return;
    const incomplete = [...reachable].some((n) => {
      const s = byName.get(n)!;
      return !s.isEnd && (!s.transition || s.next.some((t) => !byName.has(t)));
    });
    if (incomplete) return;
    for (const s of this.graph.steps) {
      if (reachable.has(s.name)) continue;
      this.r.add(
        'unreachable',
        s.nameRange,
        `step '${s.name}' can't be reached from '${this.start.name}': no step leads to it. Add ` +
          `this.next(this.${s.name}) where the flow should go there, or remove the step.`,
        { step: s.name },
      );
    }
    this.joinInputs();
    for (const issue of checkBalance(this.graph, this.index).issues) {
      const step = byName.get(issue.step)!;
      const related = issue.splits.map((name) => {
        const split = byName.get(name)!;
        return { message: `the split at '${name}'`, range: split.transition?.range ?? split.nameRange };
      });
      this.r.add(issue.rule, step.nameRange, issue.message, { step: step.name, related });
    }
  }

  /** `inputs.x` in a join must name a step with an edge into it (that is how inputs are keyed). */
  private joinInputs(): void {
    for (const s of this.graph.steps) {
      if (!takesInputs(s)) continue;
      const param = s.paramName ?? 'inputs';
      for (const access of this.facts?.steps.get(s.name)?.inputAccesses ?? []) {
        if (s.prev.includes(access.name) || ARRAY_MEMBERS.has(access.name)) continue;
        const what = this.index.byName.has(access.name)
          ? `'${access.name}' is a step, but it does not lead into '${s.name}'`
          : `'${access.name}' is not a step`;
        this.r.add(
          'unknown-input',
          access.range,
          `${what}: in join '${s.name}', ${param}.<step> names a step that goes straight to it ` +
            `(${stepList(s.prev) || 'none'}). To go through every input, use for (const input of ${param}).`,
          { step: s.name },
        );
      }
    }
  }

  private switchesAndForeaches(): void {
    const { byName } = this.index;
    for (const s of this.graph.steps) {
      const t = s.transition;
      if (!t || s.isEnd) continue;
      if (s.kind === 'split-switch') {
        if (t.targets.length < 2) {
          this.r.add(
            'switch-too-few-cases',
            this.facts?.steps.get(s.name)?.casesRange ?? t.range,
            `the switch in step '${s.name}' has ${t.targets.length} case${t.targets.length === 1 ? '' : 's'}: a ` +
              `switch needs at least 2. For a single successor write this.next(this.<step>).`,
            { step: s.name },
          );
        }
        const keys = Object.keys(t.switchCases ?? {});
        t.targets.forEach((target, i) => {
          const join = byName.get(target);
          if (!join || target === s.name || !takesInputs(join) || join.isEnd) return;
          this.r.add(
            'switch-into-join',
            t.targetRanges[i]!,
            `switch case '${keys[i] ?? i}' of step '${s.name}' goes straight into join '${target}': a conditional ` +
              `path can't lead directly to a join. Add an ordinary step between them.`,
            { step: s.name, related: [{ message: `the join '${target}'`, range: join.nameRange }] },
          );
        });
      }
      if (s.kind === 'split-foreach') {
        const body = byName.get(t.targets[0] ?? '');
        if (body && takesInputs(body) && !body.isEnd) {
          this.r.add(
            'empty-foreach',
            t.targetRanges[0]!,
            `the foreach in step '${s.name}' goes straight into join '${body.name}', so nothing runs per item: ` +
              `add a step between them, this.next(this.body, { foreach: '${t.foreach}' }) and body -> ${body.name}.`,
            { step: s.name, related: [{ message: `the join '${body.name}'`, range: body.nameRange }] },
          );
        }
      }
    }
  }

  private decorators(): void {
    for (const s of this.graph.steps) {
      const stepAt = s.decorators.findIndex((d) => d.name === 'step');
      const seen = new Set<string>();
      s.decorators.forEach((d, i) => {
        if (seen.has(d.name)) {
          this.r.add(
            'duplicate-decorator',
            d.range,
            `@${d.name} is applied twice to step '${s.name}': keep one.`,
            {
              step: s.name,
            },
          );
          return;
        }
        seen.add(d.name);
        if (!KNOWN_DECORATORS.has(d.name)) {
          if (this.facts?.foreignDecorators.has(d.name)) return;
          const guess = closestName(d.name, KNOWN_DECORATORS);
          this.r.add(
            'unknown-decorator',
            d.range,
            `@${d.name} is not a tsflow step decorator${guess ? ` (did you mean @${guess}?)` : ''}: the step ` +
              `decorators are ${[...KNOWN_DECORATORS].map((k) => `@${k}`).join(', ')}.`,
            { step: s.name },
          );
          return;
        }
        if (d.name !== 'step' && i > stepAt) {
          this.r.add(
            'decorator-below-step',
            d.range,
            `@${d.name} is below @step on step '${s.name}': @step must be the decorator closest to the method. ` +
              `Move @${d.name} above @step.`,
            { step: s.name },
          );
        }
        if (d.name === 'catchErrors' && (s.kind === 'split-foreach' || s.kind === 'split-switch')) {
          const what = s.kind === 'split-foreach' ? 'a foreach split' : 'a switch';
          this.r.add(
            'catch-on-split',
            d.range,
            `@catchErrors cannot go on step '${s.name}', which is ${what}: a caught error leaves no ` +
              `${s.kind === 'split-foreach' ? 'list to split over' : 'case to follow'}. Catch in the step before or after it.`,
            { step: s.name },
          );
        }
        for (const p of checkDecoratorArguments(d)) {
          this.r.add('invalid-decorator-argument', p.range, `step '${s.name}': ${p.message}`, {
            step: s.name,
          });
        }
      });
    }
  }

  private parameters(): void {
    const seen = new Map<string, { name: string; range: Range }>();
    for (const p of this.graph.parameters) {
      const range = p.nameRange ?? p.range;
      if (p.nameRange && !PARAMETER_NAME_PATTERN.test(p.name)) {
        this.r.add(
          'invalid-parameter-name',
          range,
          `Parameter name '${p.name}' can't be a command-line option: start with a letter and use letters, ` +
            `digits, _ and -.`,
        );
      }
      if (RESERVED_PARAMETER_NAMES.has(normalizeParameterName(p.name))) {
        this.r.add(
          'reserved-parameter',
          range,
          `Parameter name '${p.name}' is taken by tsflow's own --${normalizeParameterName(p.name)} option: ` +
            `choose another name.`,
        );
      }
      const key = p.name.toLowerCase();
      const first = seen.get(key);
      if (first) {
        this.r.add(
          'duplicate-parameter',
          range,
          `two Parameters are named '${first.name}'${first.name === p.name ? '' : ` and '${p.name}'`} (names are ` +
            `compared ignoring case, like command-line options): rename one.`,
          { related: [{ message: `Parameter '${first.name}'`, range: first.range }] },
        );
      } else {
        seen.set(key, { name: p.name, range });
      }
    }
  }
}

/**
 * Lints one flow graph. With the syntax `facts` from extraction every rule runs; a graph read back
 * from JSON has none, and the rules about how `this.next` is written are then skipped.
 */
export function lintGraph(graph: FlowGraph, facts?: FlowFacts): LintProblem[] {
  return sortProblems(new FlowLinter(graph, facts).run());
}

/** Lints everything extraction found in a file: syntax errors, a missing flow class, each flow. */
export function lintExtraction(extraction: Extraction): LintProblem[] {
  const r = new Reporter(extraction.file);
  for (const issue of extraction.issues) r.add(issue.rule, issue.range, issue.message);
  if (extraction.flows.length === 0) {
    r.add(
      'no-flow-class',
      extraction.firstLine,
      'no flow in this file: a flow is a named class that extends FlowSpec, e.g. ' +
        '`export class MyFlow extends FlowSpec { @step start() { this.next(this.end); } @step end() {} }`.',
    );
  }
  const problems = r.problems;
  for (const flow of extraction.flows) problems.push(...new FlowLinter(flow.graph, flow.facts).run());
  return sortProblems(problems);
}

/** Reading order: by position, then rule id, so output is stable. */
export function sortProblems(problems: LintProblem[]): LintProblem[] {
  return problems.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      a.rule.localeCompare(b.rule),
  );
}

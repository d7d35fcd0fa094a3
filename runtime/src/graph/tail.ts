// Reading a step's tail `this.next(...)` call into a Transition, and saying precisely what is
// wrong when it is not one of the four forms. Parsing and validating are one act here: the form
// decides the kind of the step, so the reason it matches no form is found on the way.

import ts from 'typescript';
import type { Issue } from './facts.js';
import { propertyKey, stringLiteral } from './literal.js';
import { IDENTIFIER_PATTERN } from './names.js';
import { nodeRange } from './source.js';
import type { Range, Transition } from './types.js';

const SWITCH_FORM = "this.next({ yes: this.a, no: this.b }, { condition: 'choice' })";
const FORMS = `this.next(this.b), this.next(this.a, this.b), this.next(this.body, { foreach: 'items' }) or ${SWITCH_FORM}`;

/** True for a `this.next(...)` call. */
export function isThisNextCall(node: ts.Node): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.expression.kind === ts.SyntaxKind.ThisKeyword &&
    node.expression.name.text === 'next'
  );
}

/** `this.x` → `'x'`; anything else → null. */
export function thisMember(node: ts.Node): string | null {
  if (
    ts.isPropertyAccessExpression(node) &&
    node.expression.kind === ts.SyntaxKind.ThisKeyword &&
    ts.isIdentifier(node.name)
  ) {
    return node.name.text;
  }
  return null;
}

export interface ParsedTransition {
  /** Null when any issue was found: a half-right transition would draw a wrong graph. */
  transition: Transition | null;
  issues: Issue[];
  casesRange: Range | null;
}

interface OptionValue {
  value: string;
  range: Range;
}

interface Options {
  foreach?: OptionValue;
  condition?: OptionValue;
  /** Option keys written, also when their value is malformed (already reported). */
  written: Set<string>;
}

class TransitionParser {
  readonly issues: Issue[] = [];
  readonly targets: string[] = [];
  readonly targetRanges: Range[] = [];

  constructor(readonly sf: ts.SourceFile) {}

  issue(node: ts.Node, message: string): void {
    this.issues.push({ rule: 'invalid-transition', message, range: nodeRange(this.sf, node) });
  }

  text(node: ts.Node): string {
    const t = node.getText(this.sf).replace(/\s+/g, ' ');
    return t.length > 40 ? `${t.slice(0, 37)}...` : t;
  }

  /** One `this.<step>` argument or case value; explains the usual mistakes. */
  target(node: ts.Expression, where: string): void {
    const name = thisMember(node);
    if (name !== null) {
      this.targets.push(name);
      this.targetRanges.push(nodeRange(this.sf, node));
      return;
    }
    const str = stringLiteral(node);
    if (str !== null) {
      this.issue(node, `${where} is the string '${str}': pass the step itself, this.${str}`);
    } else if (ts.isCallExpression(node) && thisMember(node.expression) !== null) {
      this.issue(
        node,
        `${where} calls the step: pass it without calling it, this.next(${this.text(node.expression)})`,
      );
    } else if (ts.isSpreadElement(node)) {
      this.issue(node, `${where} is a spread, which can't be read without running the code: list the steps`);
    } else {
      this.issue(
        node,
        `${where} '${this.text(node)}' is not a step: a transition target is written this.<step>`,
      );
    }
  }

  options(obj: ts.ObjectLiteralExpression): Options {
    const out: Options = { written: new Set() };
    for (const prop of obj.properties) {
      const key = prop.name && !ts.isComputedPropertyName(prop.name) ? propertyKey(prop.name) : null;
      if (!ts.isPropertyAssignment(prop) || key === null) {
        this.issue(prop, `write each option as key: 'value', e.g. { foreach: 'items' }`);
        continue;
      }
      if (key !== 'foreach' && key !== 'condition') {
        this.issue(
          prop,
          `unknown option '${key}': this.next takes { foreach: 'artifact' } (one target) or { condition: 'artifact' } (with a cases object)`,
        );
        continue;
      }
      if (out.written.has(key)) {
        this.issue(prop, `option '${key}' is given twice`);
        continue;
      }
      out.written.add(key);
      const value = stringLiteral(prop.initializer);
      if (value === null) {
        this.issue(
          prop.initializer,
          `${key} must be a string literal naming an artifact, e.g. { ${key}: 'items' }: the graph is read without running the code`,
        );
        continue;
      }
      if (!IDENTIFIER_PATTERN.test(value)) {
        this.issue(prop.initializer, `'${value}' is not an artifact name: ${key} names a field, this.<name>`);
        continue;
      }
      out[key] = {
        value,
        range: nodeRange(this.sf, prop.initializer),
      };
    }
    return out;
  }

  /** `this.next({ yes: this.a, no: this.b }, { condition: 'choice' })` */
  switchCases(cases: ts.ObjectLiteralExpression): Record<string, string> {
    const out: Record<string, string> = {};
    for (const prop of cases.properties) {
      if (!ts.isPropertyAssignment(prop)) {
        this.issue(prop, `write each switch case as key: this.step, e.g. { yes: this.a, no: this.b }`);
        continue;
      }
      const key = ts.isComputedPropertyName(prop.name) ? null : propertyKey(prop.name);
      if (key === null) {
        this.issue(
          prop.name,
          `a switch case key must be a literal (yes, 'yes' or 1), so the graph can be read statically`,
        );
        continue;
      }
      if (Object.hasOwn(out, key)) {
        this.issue(prop.name, `switch case '${key}' is listed twice`);
        continue;
      }
      const before = this.targets.length;
      this.target(prop.initializer, `switch case '${key}'`);
      if (this.targets.length > before) out[key] = this.targets[before]!;
    }
    return out;
  }

  parse(call: ts.CallExpression): ParsedTransition {
    const args = call.arguments;
    const range = nodeRange(this.sf, call);
    let casesRange: Range | null = null;
    const transition: Transition = { range, targets: this.targets, targetRanges: this.targetRanges };
    const first = args[0];
    if (!first) {
      this.issue(call, `this.next() needs at least one step: ${FORMS}`);
    } else if (ts.isObjectLiteralExpression(first)) {
      casesRange = nodeRange(this.sf, first);
      const cases = this.switchCases(first);
      const optsArg = args[1];
      if (!optsArg) {
        this.issue(call, `a switch needs the artifact that picks the case: ${SWITCH_FORM}`);
      } else if (!ts.isObjectLiteralExpression(optsArg)) {
        this.issue(
          optsArg,
          `a switch's second argument is its options, { condition: 'artifact' }: ${SWITCH_FORM}`,
        );
      } else {
        const opts = this.options(optsArg);
        if (opts.foreach)
          this.issue(optsArg, `a switch can't also be a foreach: drop 'foreach' from the options`);
        if (!opts.condition && !opts.written.has('condition')) {
          this.issue(optsArg, `a switch needs the artifact that picks the case: ${SWITCH_FORM}`);
        }
        if (opts.condition) {
          transition.condition = opts.condition.value;
          transition.optionRange = opts.condition.range;
        }
      }
      for (const extra of args.slice(2)) this.issue(extra, `unexpected argument: a switch is ${SWITCH_FORM}`);
      transition.switchCases = cases;
    } else {
      const last = args[args.length - 1]!;
      const hasOptions = args.length >= 2 && ts.isObjectLiteralExpression(last);
      const positional = hasOptions ? args.slice(0, -1) : args;
      const opts: Options = hasOptions
        ? this.options(last as ts.ObjectLiteralExpression)
        : { written: new Set() };
      positional.forEach((arg, i) => {
        if (ts.isObjectLiteralExpression(arg)) {
          this.issue(arg, `an object is only allowed first (switch cases) or last (options): ${FORMS}`);
        } else {
          this.target(arg, `argument ${i + 1}`);
        }
      });
      const seen = new Set<string>();
      this.targets.forEach((t, i) => {
        if (seen.has(t)) {
          this.issues.push({
            rule: 'invalid-transition',
            message: `step '${t}' is listed twice in this.next(...): each branch of a split is a different step`,
            range: this.targetRanges[i]!,
          });
        }
        seen.add(t);
      });
      if (opts.condition && opts.foreach) {
        this.issue(
          last,
          `a transition is a foreach or a switch, not both: keep one of 'foreach' and 'condition'`,
        );
      } else if (opts.condition) {
        this.issue(
          last,
          `a condition needs a cases object as the first argument: this.next({ yes: this.a, no: this.b }, { condition: '${opts.condition.value}' })`,
        );
      }
      if (opts.foreach) {
        if (positional.length !== 1) {
          this.issue(
            call,
            `a foreach goes to exactly one step (got ${positional.length}): this.next(this.body, { foreach: '${opts.foreach.value}' })`,
          );
        }
        transition.foreach = opts.foreach.value;
        transition.optionRange = opts.foreach.range;
      }
    }
    return { transition: this.issues.length > 0 ? null : transition, issues: this.issues, casesRange };
  }
}

/** Parses a tail `this.next(...)` call. */
export function parseTransition(sf: ts.SourceFile, call: ts.CallExpression): ParsedTransition {
  return new TransitionParser(sf).parse(call);
}

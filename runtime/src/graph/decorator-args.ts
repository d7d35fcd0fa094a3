// Checks of step-decorator options that are written as literals, so a bad `@retry({ times: 9 })`
// is an error in the editor rather than at run time. Values computed at run time are not checked
// here (the runtime validates them); unknown option names are left to the type checker.

import { IDENTIFIER_PATTERN } from './names.js';
import type { DecoratorInfo, Range } from './types.js';

export interface ArgumentProblem {
  message: string;
  range: Range;
}

type Check = (value: unknown) => string | null;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const positive: Check = (v) => (isNumber(v) && v > 0 ? null : `must be a number above 0, got ${show(v)}`);
const nonNegative: Check = (v) =>
  isNumber(v) && v >= 0 ? null : `must be a number of 0 or more, got ${show(v)}`;
const gpus: Check = (v) =>
  isNumber(v) && Number.isInteger(v) && v >= 0 ? null : `must be a whole number of 0 or more, got ${show(v)}`;

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

const CHECKS: Record<string, Record<string, Check>> = {
  retry: {
    times: (v) =>
      isNumber(v) && Number.isInteger(v) && v >= 0 && v <= 4
        ? null
        : `must be a whole number from 0 to 4 (retries after the first attempt), got ${show(v)}`,
    minutesBetweenRetries: nonNegative,
  },
  timeout: { seconds: nonNegative, minutes: nonNegative, hours: nonNegative },
  catchErrors: {
    var: (v) =>
      typeof v === 'string' && IDENTIFIER_PATTERN.test(v)
        ? null
        : `must name the artifact that receives the error, a valid identifier like 'error', got ${show(v)}`,
  },
  resources: { cpu: positive, memory: positive, gpu: gpus },
  batch: { cpu: positive, memory: positive, gpu: gpus },
  environment: {
    vars: (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => typeof x === 'string')
        ? null
        : `must map variable names to strings, e.g. { vars: { MODE: 'fast' } }`,
  },
};

/** The problems with a decorator's literal arguments (empty when fine or not checkable). */
export function checkDecoratorArguments(d: DecoratorInfo): ArgumentProblem[] {
  const out: ArgumentProblem[] = [];
  if (d.name === 'step') {
    if (d.argsText !== null)
      out.push({ message: '@step takes no arguments: write @step, not @step(...)', range: d.range });
    return out;
  }
  const checks = CHECKS[d.name];
  if (!checks) return out;
  if (d.argsText === null) {
    out.push({
      message: `@${d.name} is a decorator factory: call it, @${d.name}() or @${d.name}({ ... })`,
      range: d.range,
    });
    return out;
  }
  if (!d.args) return out;
  for (const [key, check] of Object.entries(checks)) {
    if (!Object.hasOwn(d.args, key)) continue;
    const problem = check(d.args[key]);
    if (problem)
      out.push({ message: `@${d.name} option '${key}' ${problem}`, range: d.argRanges?.[key] ?? d.range });
  }
  if (d.name === 'timeout') {
    // The total only when every duration given is a literal; a computed one may make it positive.
    const keys = ['seconds', 'minutes', 'hours'];
    const written = keys.filter((k) => d.argRanges && Object.hasOwn(d.argRanges, k));
    const values = written.map((k) => d.args?.[k]);
    if (values.every(isNumber) && values.reduce((a, b) => a + b, 0) <= 0 && out.length === 0) {
      out.push({
        message: '@timeout needs a duration above 0, e.g. @timeout({ minutes: 10 })',
        range: d.range,
      });
    }
  }
  return out;
}
